import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createWebhookHandler } from "../http/webhooks-node.js";
import type { OrderEvent } from "../orders/events.js";
import type { Outbox } from "../outbox/setup.js";
import type { OutboxWorkerOptions } from "../outbox/worker.js";
import type { Webhooks } from "../webhooks/setup.js";
import { type Harness, startHarness } from "./harness.js";

export interface WebhookHarness extends Harness {
  webhooks: Webhooks;
  outbox: Outbox;
  url: string;
  /** Every order event emitted, in order. */
  emitted: OrderEvent[];
  /** Waits until the sandbox has delivered everything and the worker has processed it. */
  waitUntilQuiet(): Promise<void>;
  /** A mug bought with the approved test card, its webhooks processed: the order and its payment. */
  paidOrder(): Promise<{ orderId: string; paymentId: string }>;
}

/** The checkout harness plus the webhook receiver on node:http, with the sandbox delivering to it. */
export async function startWebhookHarness(
  options: {
    authorizationKey?: string;
    extraKeys?: string[];
    startWorker?: boolean;
    outbox?: OutboxWorkerOptions;
  } = {},
): Promise<WebhookHarness> {
  const base = await startHarness({
    captureDelayMs: 20,
    ...(options.extraKeys ? { extraSignatureKeys: options.extraKeys } : {}),
    ...(options.authorizationKey ? { env: { CKO_WEBHOOK_AUTHORIZATION_KEY: options.authorizationKey } } : {}),
    worker: { pollMs: 50, baseBackoffMs: 20 },
    outbox: { pollMs: 50, ...options.outbox },
  });
  const { webhooks, outbox } = base.service;
  const emitted: OrderEvent[] = [];
  outbox.hooks.on("*", (e) => {
    emitted.push(e);
  });
  const handler = createWebhookHandler(webhooks.receiver);
  const server: Server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/checkoutdotcom`;
  base.sandbox.webhookUrls = [url];
  if (options.authorizationKey) base.sandbox.keys.authorizationKey = options.authorizationKey;
  if (options.startWorker !== false) {
    webhooks.worker.start();
    await outbox.start();
  }
  const waitUntilQuiet = async () => {
    await base.sandbox.idle();
    await webhooks.worker.drain();
    await outbox.worker.drain();
  };
  return {
    ...base,
    webhooks,
    outbox,
    url,
    emitted,
    waitUntilQuiet,
    async paidOrder() {
      const cartId = await base.cart([{ sku: "mug", quantity: 1 }]);
      const reply = await base.handoff.confirm({ cartId, processorToken: await base.token() });
      if (reply.status !== 200) throw new Error(`confirm answered ${reply.status}`);
      await waitUntilQuiet();
      const orderId = (reply.body as { orderId: string }).orderId;
      const paymentId = String((await base.store.attemptsOfOrder(orderId)).at(-1)?.paymentId);
      return { orderId, paymentId };
    },
    async close() {
      await webhooks.worker.stop();
      await outbox.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await base.close();
    },
  };
}
