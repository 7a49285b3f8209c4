import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createOpsRouter, type OpsRouterOptions } from "../../packages/ops/src/router.js";
import type { WebhookHarness } from "../../packages/server/src/test-support/webhook-harness.js";

export interface ServedConsole {
  /** `http://127.0.0.1:<port>`; the console is under `/ops`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * The ops console mounted at `/ops` in a plain Express app, as a merchant mounts it, over the
 * harness's real store, webhooks and sandbox. Each test file says only who signs in and what else
 * the console gets (outbox, settlement).
 */
export async function serveOpsConsole(
  h: WebhookHarness,
  options: Omit<OpsRouterOptions, "db" | "webhooks">,
): Promise<ServedConsole> {
  const app = express();
  app.use("/ops", createOpsRouter(h.handoff, { db: h.db, webhooks: h.webhooks, ...options }));
  const server = createServer(app);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
