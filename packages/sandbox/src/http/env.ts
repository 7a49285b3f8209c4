import type { HttpBindings } from "@hono/node-server";
import type { Context } from "hono";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import type { Fault } from "../faults.js";
import type { ApiResult } from "../payments/api-result.js";

/**
 * What every sandbox route sees: the node request (absent under `app.request()` in tests) and the
 * scripted fault, if any, that the request drew.
 */
export type SandboxEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { fault: Fault | undefined };
};
export type SandboxContext = Context<SandboxEnv>;

/** Writes a service's answer: JSON when it has a body, an empty body otherwise (Checkout.com's 401/404 style). */
export function respond(c: Context, result: ApiResult, headers?: Record<string, string>): Response {
  if (headers) for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (result.body === undefined) return c.body(null, result.status as StatusCode);
  return c.json(result.body, result.status as ContentfulStatusCode);
}

/** A JSON object body, `{}` when empty; anything else is a `SyntaxError` the app answers 400. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new SyntaxError("not an object");
  return value as Record<string, unknown>;
}
