import { context, metrics, trace } from "@opentelemetry/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { destinationInputSchema, toDestination } from "../outbox/destinations.js";
import { newDestinationSecret } from "../outbox/sign.js";
import { type Receiver, startReceiver } from "../test-support/receiver.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { registerBacklogGauges } from "./backlog.js";
import { inSpan } from "./tracer.js";

/** No SDK registered, as in most merchants' apps: every instrumented path works as before. */
let h: WebhookHarness;
let receiver: Receiver;
beforeAll(async () => {
  trace.disable();
  metrics.disable();
  context.disable();
  h = await startWebhookHarness({ outbox: { pollMs: 20, retryScheduleMs: [60_000], timeoutMs: 2000 } });
  receiver = await startReceiver();
  receiver.respond = () => 500;
});
afterAll(async () => {
  await h.close();
  await receiver.close();
});

it("confirm, webhooks, a failing delivery and the backlog gauges run with the API alone", async () => {
  const stop = registerBacklogGauges({ db: h.db });
  const parsed = destinationInputSchema.parse({
    id: "noop-down",
    url: receiver.url,
    secret: newDestinationSecret(),
    events: ["order.*"],
  });
  await h.outbox.store.saveDestination(toDestination(parsed, "ops"), new Date().toISOString());
  const cartId = await h.cart();
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  expect(reply.status).toBe(200);
  const orderId = (reply.body as { orderId: string }).orderId;
  await h.waitUntilQuiet();
  expect((await h.store.getOrder(orderId))?.status).toBe("captured");
  expect(receiver.received.length).toBeGreaterThanOrEqual(1);
  const [attempt] = await h.outbox.store.attempts("noop-down", 1);
  expect(attempt).toMatchObject({ statusCode: 500 });
  stop();
});

it("a span helper still throws what its work throws, and returns what it returns", async () => {
  await expect(inSpan("x", {}, async () => 42)).resolves.toBe(42);
  await expect(
    inSpan("x", {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
});
