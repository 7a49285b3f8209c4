import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleEventFor } from "../test-support/events.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { signTestWebhook } from "./verify.js";

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness();
});
afterAll(() => h.close());

/** Signs and posts `event` as Checkout.com would, then lets the worker have it. */
async function deliver(event: { id: string }) {
  const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
  expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);
  await h.webhooks.worker.drain();
  return h.webhooks.inbox.get(event.id);
}

describe("a signed event whose amount cannot be money", () => {
  it.each([
    ["payment_refunded", -5],
    ["payment_refunded", 12.5],
    ["payment_captured", -1],
    ["dispute_received", -5],
  ])(
    "%s with amount %s is marked invalid at once, with the field named, and changes nothing",
    async (type, amount) => {
      const { orderId, paymentId } = await h.paidOrder();
      const before = await h.store.getOrder(orderId);
      const data = type.startsWith("dispute_")
        ? { id: "dsp_rbhwd2qrg13uhrp2newf", payment_id: paymentId, amount }
        : { id: paymentId, amount };
      const stored = await deliver(sampleEventFor(type, data));
      expect(stored).toMatchObject({ status: "invalid", attempts: 1 });
      expect(stored?.outcome).toMatch(/^schema: data\.amount: an amount is /);
      expect(await h.store.getOrder(orderId)).toMatchObject({ status: before?.status });
    },
  );

  it("a refund of a whole, positive amount is still applied", async () => {
    const { orderId, paymentId } = await h.paidOrder();
    const stored = await deliver(sampleEventFor("payment_refunded", { id: paymentId, amount: 5 }));
    expect(stored).toMatchObject({ status: "processed", orderId });
  });
});
