import { Hono } from "hono";
import { jsonBody, respond, type SandboxEnv } from "../http/env.js";
import { faultDelay, idempotent, keyMatches, scriptedFault, secretKey } from "../http/middleware.js";
import type { ActionKind } from "../payments/service.js";
import type { SandboxRuntime } from "../runtime.js";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, content-type",
  "access-control-allow-methods": "POST, OPTIONS",
};

/** Tokens, payment sessions, payments and their captures, refunds and voids (Checkout.com's Payments API). */
export function paymentRoutes(rt: SandboxRuntime): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const secret = secretKey((h) => keyMatches(h, rt.keys.secretKey) || rt.accessTokens.valid(h));
  const fault = (route: Parameters<typeof scriptedFault>[0]) => scriptedFault(route, (r) => rt.takeFault(r));

  app.post("/connect/token", async (c) =>
    respond(c, rt.accessTokens.issue(new URLSearchParams(await c.req.text()), c.req.header("authorization"))),
  );

  // The browser calls /tokens with the public key, cross-origin.
  app.options("/tokens", (c) => respond(c, { status: 204 }, CORS));
  app.post("/tokens", async (c) => {
    if (!keyMatches(c.req.header("authorization"), rt.keys.publicKey))
      return respond(c, { status: 401 }, CORS);
    const drawn = rt.takeFault("tokens");
    if (drawn?.status) return respond(c, { status: drawn.status }, CORS);
    const result = rt.payments.createToken(await jsonBody(c));
    if (drawn?.delayMs) await new Promise((resolve) => setTimeout(resolve, drawn.delayMs));
    // A dropped tokenization reaches the browser as a failed request.
    if (drawn?.drop) return respond(c, { status: 500 }, CORS);
    return respond(c, result, CORS);
  });

  // What Flow's own Pay button calls (public key, like /tokens): a payment made from the session,
  // which is why token mode must turn that button off.
  app.post("/payment-sessions/:id/submit", async (c) => {
    if (!keyMatches(c.req.header("authorization"), rt.keys.publicKey)) return c.body(null, 401);
    return respond(c, rt.payments.submitPaymentSession(c.req.param("id"), await jsonBody(c)));
  });
  app.post("/payment-sessions", secret, fault("payment-sessions"), faultDelay, async (c) =>
    respond(c, rt.payments.createPaymentSession(await jsonBody(c))),
  );

  app.post(
    "/payments",
    secret,
    fault("payments"),
    idempotent("payments", rt.idempotency),
    faultDelay,
    async (c) => respond(c, rt.payments.createPayment(await jsonBody(c))),
  );
  app.get("/payments", secret, (c) => {
    const limit = Math.min(100, Math.max(1, Number(c.req.query("limit") ?? 10) || 10));
    const skip = Math.max(0, Number(c.req.query("skip") ?? 0) || 0);
    return respond(c, rt.payments.listPayments(c.req.query("reference") ?? null, limit, skip));
  });
  app.get("/payments/:id", secret, fault("get-payment"), faultDelay, (c) =>
    respond(c, rt.payments.getPayment(c.req.param("id"))),
  );
  app.get("/payments/:id/actions", secret, (c) => respond(c, rt.payments.getActions(c.req.param("id"))));

  const actions: Array<["captures" | "refunds" | "voids", ActionKind]> = [
    ["captures", "capture"],
    ["refunds", "refund"],
    ["voids", "void"],
  ];
  for (const [path, kind] of actions) {
    app.post(
      `/payments/:id/${path}`,
      secret,
      fault(path),
      idempotent(path, rt.idempotency),
      faultDelay,
      async (c) => respond(c, rt.payments.requestAction(c.req.param("id"), kind, await jsonBody(c))),
    );
  }
  return app;
}
