import { preferredLocale } from "@handoff/contracts";
import { StoreUnavailableError } from "../db/sql-client.js";
import type { Handoff } from "../handoff.js";
import { type ApiReply, errorReply } from "../reply.js";
import { CLIENT_CLOSED_REQUEST, ClientAbortedError, logClientAborted } from "./client-aborted.js";

/** The checkout routes read JSON bodies of at most this size. */
export const MAX_JSON_BYTES = 16 * 1024;

/** Thrown by an adapter's body reader past MAX_JSON_BYTES. */
export class BodyTooLargeError extends Error {}

/** What every adapter knows about a request, whatever the framework. */
export interface CheckoutRequest {
  method: string;
  /** The path below the adapter's base path: `/session`, `/confirm`, `/3ds-return`. */
  route: string;
  search: URLSearchParams;
  acceptLanguage: string | undefined | null;
  /**
   * The shopper's address (`clientAddress()`: `X-Forwarded-For` only from trusted proxies), for the
   * per-client card-testing and session limits and Checkout.com's `payment_ip`.
   */
  client: string | undefined;
  /** Parsed JSON (undefined for an empty body); throws SyntaxError, BodyTooLargeError or ClientAbortedError. */
  json(): Promise<unknown>;
}

/**
 * Each checkout route and the methods it takes, for every adapter: HEAD goes with GET, as HTTP
 * says and Express's router does.
 */
export const CHECKOUT_ROUTE_METHODS: Readonly<Record<string, readonly string[]>> = {
  "/session": ["POST"],
  "/confirm": ["POST"],
  "/3ds-return": ["GET", "HEAD"],
};

/** 405 with `Allow`: the path is ours, so "no such route" (404) would send a developer looking elsewhere. */
export function methodNotAllowed(method: string, allowed: readonly string[]): ApiReply {
  const allow = allowed.join(", ");
  const reply = errorReply("METHOD_NOT_ALLOWED", `${method} is not allowed here; use ${allow}.`);
  return { ...reply, headers: { allow } };
}

/**
 * The checkout routes (POST /session, POST /confirm, GET /3ds-return), framework-free: an adapter
 * turns its request into a CheckoutRequest and writes the reply. 405 for one of them asked with
 * another method; undefined for a path not ours. Imports nothing from Node, so the fetch adapter
 * can use it too.
 */
export async function answerCheckout(
  handoff: Handoff,
  request: CheckoutRequest,
): Promise<ApiReply | undefined> {
  const allowed = Object.hasOwn(CHECKOUT_ROUTE_METHODS, request.route)
    ? CHECKOUT_ROUTE_METHODS[request.route]
    : undefined;
  if (!allowed) return undefined;
  if (!allowed.includes(request.method)) return methodNotAllowed(request.method, allowed);
  const locale = preferredLocale(request.acceptLanguage);
  try {
    if (request.route === "/session")
      return await handoff.session(await request.json(), { locale, client: request.client });
    if (request.route === "/confirm")
      return await handoff.confirm(await request.json(), { locale, client: request.client });
    return await handoff.threeDsReturn(request.search);
  } catch (error) {
    if (error instanceof ClientAbortedError) {
      logClientAborted(handoff.deps.logger, `${request.method} ${request.route}`);
      return { status: CLIENT_CLOSED_REQUEST };
    }
    if (error instanceof BodyTooLargeError) return errorReply("PAYLOAD_TOO_LARGE", "The body is too large.");
    if (error instanceof SyntaxError) return errorReply("INVALID_REQUEST", "The body is not valid JSON.");
    if (error instanceof StoreUnavailableError)
      return errorReply("STORE_UNAVAILABLE", "Orders cannot be saved right now. Please try again.");
    handoff.deps.logger.error(
      { err: error instanceof Error ? error.message : String(error) },
      "checkout route failed",
    );
    return { status: 500, body: { error: "INTERNAL", message: "Something went wrong on our side." } };
  }
}

/** The reply's JSON body and headers, as every adapter writes them. */
export function replyHeaders(reply: ApiReply): { body: string; headers: Record<string, string> } {
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  return {
    body,
    headers: { ...(body ? { "content-type": "application/json; charset=utf-8" } : {}), ...reply.headers },
  };
}
