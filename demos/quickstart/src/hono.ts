// #region quickstart

import { loadConfig, openHandoff } from "@handoff/server";
import {
  createFetchHandoffHandler,
  createFetchHealthHandler,
  createFetchWebhookHandler,
} from "@handoff/server/fetch";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const handoff = await openHandoff({ config: loadConfig(process.env) }); // checkout, webhooks, worker, outbox, sweep
const { config, webhooks } = handoff;
const checkout = createFetchHandoffHandler(handoff.handoff, { basePath: "/api/checkout" });
const receive = createFetchWebhookHandler({
  inbox: webhooks.inbox,
  signatureKeys: config.webhookSignatureKeys,
  ...(config.webhookAuthorizationKey ? { authorizationKey: config.webhookAuthorizationKey } : {}),
  logger: handoff.deps.logger,
  onStored: () => webhooks.worker.wake(),
});
const probes = createFetchHealthHandler(handoff.health);

const app = new Hono();
app.all("/api/checkout/*", (c) => checkout(c.req.raw)); // session, confirm, 3ds-return
app.post("/webhooks/checkoutdotcom", (c) => receive(c.req.raw));
app.get("/healthz", (c) => probes(c.req.raw));
app.get("/readyz", (c) => probes(c.req.raw));
// …your own routes: cart, pages…

await handoff.start(); // background work runs; /readyz turns ready
const server = serve({ fetch: app.fetch, port: config.port });
process.once("SIGTERM", async () => {
  await handoff.close(); // readiness off, work handed back, database closed
  server.close();
});
// #endregion
