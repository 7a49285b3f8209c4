import type { MiddlewareHandler } from "hono";
import type { Fault, FaultRoute } from "../faults.js";
import { apiError } from "../payments/api-result.js";
import type { SandboxEnv } from "./env.js";
import { respond } from "./env.js";
import type { IdempotencyCache } from "./idempotency.js";

/** `Authorization` carries `key`, bare or after `Bearer`. */
export function keyMatches(header: string | undefined, key: string): boolean {
  if (!header) return false;
  const value = header.trim();
  return value === key || (/^bearer\s+/i.test(value) && value.replace(/^bearer\s+/i, "") === key);
}

/** Secret-key routes (or an OAuth bearer token): 401 with an empty body otherwise, as Checkout.com answers. */
export function secretKey(
  accepts: (authorization: string | undefined) => boolean,
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    if (!accepts(c.req.header("authorization"))) return c.body(null, 401);
    await next();
  };
}

/**
 * Draws the next scripted fault for `route`: an error status answers at once, before anything is
 * processed; a dropped connection hangs up after the work is done; a delay is `faultDelay`'s.
 */
export function scriptedFault(
  route: FaultRoute,
  take: (route: FaultRoute) => Fault | undefined,
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const fault = take(route);
    if (fault?.status) return c.body(null, fault.status as 500);
    c.set("fault", fault);
    await next();
    if (fault?.drop) hangUp(c.env);
  };
}

/** The drawn fault's delay, after the work and inside the idempotency window (mounted innermost). */
export const faultDelay: MiddlewareHandler<SandboxEnv> = async (c, next) => {
  await next();
  const delay = c.get("fault")?.delayMs;
  if (delay) await sleep(delay);
};

/**
 * `Cko-Idempotency-Key` covers the whole processing, scripted delays included, so a retry that
 * arrives while the first request is still running sees 429.
 */
export function idempotent(scope: string, cache: IdempotencyCache): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    let ran = false;
    const reply = await cache.run(
      `${scope} ${c.req.path}`,
      c.req.header("cko-idempotency-key"),
      async () => {
        ran = true;
        await next();
        const text = await c.res.clone().text();
        return { status: c.res.status, ...(text ? { body: JSON.parse(text) } : {}) };
      },
      () => apiError(429, ["duplicate_request"], "too_many_requests"),
    );
    if (!ran) return respond(c, reply);
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hangs up without answering (a timeout after the charge). Under `app.request()` there is no socket to drop. */
export function hangUp(env: SandboxEnv["Bindings"] | undefined): void {
  env?.incoming?.socket.destroy();
}
