// #region quickstart
import { loadConfig, openHandoff } from "@handoff/server";
import { createHandoffRouter, createHealthRouter, createWebhookRouter } from "@handoff/server/express";
import express from "express";

const handoff = await openHandoff({ config: loadConfig(process.env) }); // checkout, webhooks, worker, outbox, sweep

const app = express();
app.use(createHealthRouter(handoff.health)); // GET /healthz, GET /readyz
app.use("/webhooks/checkoutdotcom", createWebhookRouter(handoff.webhooks.receiver, handoff.deps.logger)); // before any JSON parser
app.use("/api/checkout", createHandoffRouter(handoff.handoff)); // session, confirm, 3ds-return
// …your own routes: cart, pages…

await handoff.start(); // background work runs; /readyz turns ready
const server = app.listen(handoff.config.port);
process.once("SIGTERM", async () => {
  await handoff.close(); // readiness off, work handed back, database closed
  server.close();
});
// #endregion
