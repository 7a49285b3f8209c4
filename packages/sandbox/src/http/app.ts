import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { apiError, notFound } from "../payments/api-result.js";
import { newRequestId } from "../random-ids.js";
import { browserAssetRoutes } from "../routes/browser-assets.js";
import { controlRoutes } from "../routes/control.js";
import { disputeRoutes } from "../routes/disputes.js";
import { paymentRoutes } from "../routes/payments.js";
import { settlementRoutes } from "../routes/settlement.js";
import type { SandboxRuntime } from "../runtime.js";
import { respond, type SandboxEnv } from "./env.js";

export const API_VERSION = "3.31.4";
export const MAX_BODY_BYTES = 1_000_000;

/**
 * The sandbox's HTTP surface: Checkout.com's routes, the browser's assets and the `/_sandbox`
 * control routes, each a module. Serve it with `@hono/node-server`, or call `app.request()` in tests.
 */
export function createApp(rt: SandboxRuntime, changed: () => void = () => {}): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  // Any request that may have changed state (tokens, sessions, control calls) asks for a save.
  app.use("*", async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.method !== "OPTIONS") changed();
  });
  app.use("*", async (c, next) => {
    await next();
    if (c.res.status === 500 && c.error) return;
    c.header("cko-request-id", newRequestId());
    c.header("cko-version", API_VERSION);
  });
  app.use("*", bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.body(null, 413) }));
  app.route("/", paymentRoutes(rt));
  app.route("/", disputeRoutes(rt));
  app.route("/", settlementRoutes(rt));
  app.route("/", browserAssetRoutes(rt));
  app.route("/", controlRoutes(rt));

  const known = app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => new RegExp(`^${r.path.replace(/:(\w+)/g, "[^/]+")}$`));
  // A known path asked with the wrong method is 405; an unknown one is Checkout.com's 404.
  app.notFound((c) =>
    known.some((pattern) => pattern.test(c.req.path)) ? c.body(null, 405) : respond(c, notFound()),
  );
  app.onError((error, c) => {
    if (error instanceof SyntaxError)
      return respond(c, apiError(400, ["request_json_invalid"], "request_malformed"));
    return c.body(null, 500);
  });
  return app;
}
