// #region quickstart
import { createServer } from "node:http";
import { loadConfig, openHandoff } from "@handoff/server";
import { createHandoffHandler, createHealthHandler, createWebhookHandler } from "@handoff/server/node";

const handoff = await openHandoff({ config: loadConfig(process.env) }); // checkout, webhooks, worker, outbox, sweep
const checkout = createHandoffHandler(handoff.handoff, { basePath: "/api/checkout" });
const webhooks = createWebhookHandler(handoff.webhooks.receiver); // POST /webhooks/checkoutdotcom
const probes = createHealthHandler(handoff.health); // GET /healthz, GET /readyz

const server = createServer(async (req, res) => {
  if (await checkout(req, res)) return;
  if (await webhooks(req, res)) return;
  if (await probes(req, res)) return;
  res.writeHead(404).end(); // …your own routes: cart, pages…
});

await handoff.start(); // background work runs; /readyz turns ready
server.listen(handoff.config.port);
process.once("SIGTERM", async () => {
  await handoff.close(); // readiness off, work handed back, database closed
  server.close();
});
// #endregion
