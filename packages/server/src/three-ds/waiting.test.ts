import { parseChaos } from "@handoff/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  h.sandbox.setChaos(parseChaos(""));
  h.sandbox.webhookUrls = [h.url];
  await h.inventory.upsertProducts([
    { sku: "last-one", name: "Signed print", unitAmount: 9900, currency: "GBP", stock: 1 },
  ]);
});

const CHALLENGE = "4010061700000021";
const stockOf = async (sku: string) => (await h.inventory.listProducts()).find((p) => p.sku === sku)?.stock;

async function leaveAtTheIssuer() {
  const cartId = await h.cart([{ sku: "last-one", quantity: 1 }]);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(CHALLENGE) });
  expect(reply.status).toBe(202);
  return { cartId, ...(reply.body as { orderId: string; redirectUrl: string }) };
}

describe("a shopper who leaves 3-D Secure unfinished", () => {
  it("can reload the checkout and pay at once with another card, charged exactly once", async () => {
    const { cartId, orderId, redirectUrl } = await leaveAtTheIssuer();
    expect(await stockOf("last-one")).toBe(0);
    // Back or reload: the checkout opens again instead of "a payment is in progress".
    expect((await h.handoff.session({ cartId })).status).toBe(200);
    const paid = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    expect(paid).toMatchObject({ status: 200, body: { status: "approved", orderId } });

    // The abandoned challenge is finished in the other tab after all: that payment is voided.
    await fetch(redirectUrl, { method: "POST", body: "password=Checkout1%21", redirect: "manual" });
    await h.waitUntilQuiet();
    const payments = [...h.sandbox.payments.payments.values()].filter((p) => p.reference === orderId);
    const [kept, reversed_] = [payments.find((p) => !p.sessionId), payments.find((p) => p.sessionId)];
    expect(kept?.status).toBe("Captured");
    // Voided if it was still only authorized, refunded if auto-capture got there first.
    expect(["Voided", "Refunded"]).toContain(reversed_?.status);
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
    expect(await stockOf("last-one")).toBe(0);
    const reversed = (await h.store.timeline(orderId)).filter((e) => e.kind === "stray_payment_reversed");
    // However often the news arrives, one reversal: a repeat with the same key is answered, not redone.
    const actions = new Set(reversed.filter((e) => e.detail.accepted).map((e) => e.detail.actionId));
    expect(actions.size).toBe(1);
    const b = reversed_?.balances;
    expect((b?.total_refunded ?? 0) + (b?.total_voided ?? 0)).toBe(reversed_?.amount);
  });

  it("refunds the abandoned payment when it was captured before the void could land", async () => {
    const { cartId, orderId, redirectUrl } = await leaveAtTheIssuer();
    await h.handoff.session({ cartId });
    expect((await h.handoff.confirm({ cartId, processorToken: await h.token() })).status).toBe(200);
    h.sandbox.addFault({ route: "voids", status: 503, count: 10 });
    await fetch(redirectUrl, { method: "POST", body: "password=Checkout1%21", redirect: "manual" });
    await h.waitUntilQuiet();
    const abandoned = [...h.sandbox.payments.payments.values()].find(
      (p) => p.reference === orderId && p.sessionId,
    );
    expect(abandoned?.status).toBe("Refunded");
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
  });

  it("gets its stock back once Checkout.com gives up on the challenge, through webhook or sweep", async () => {
    const { orderId } = await leaveAtTheIssuer();
    expect(await stockOf("last-one")).toBe(0);
    // Checkout.com's 15 minutes pass.
    h.sandbox.advanceClock(15 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Whichever comes first settles it: the sweep, or the decline's webhook. The sweep is periodic: on
    // PostgreSQL it passes over an attempt the worker holds at that moment and takes it next time.
    for (let pass = 0; pass < 3 && (await h.store.getOrder(orderId))?.status !== "declined"; pass++) {
      await h.webhooks.reconcile(0);
      await h.waitUntilQuiet();
    }
    expect((await h.store.getOrder(orderId))?.status).toBe("declined");
    expect((await h.store.attemptsOfOrder(orderId)).at(-1)?.responseCode).toBe("20152");
    expect(await stockOf("last-one")).toBe(1);
  });

  it("frees the stock of a challenge still pending past the limit, and voids it if it is approved later", async () => {
    h.sandbox.webhookUrls = [];
    const { orderId, redirectUrl } = await leaveAtTheIssuer();
    // "Older than 0 ms" must mean older than now: step past this millisecond.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const swept = await h.webhooks.reconcile(0, { abandonThreeDsAfterMs: 0 });
    expect(swept.abandoned).toBe(1);
    expect((await h.store.getOrder(orderId))?.status).toBe("pending");
    expect(await stockOf("last-one")).toBe(1);
    await fetch(redirectUrl, { method: "POST", body: "password=Checkout1%21", redirect: "manual" });
    await h.webhooks.reconcile(0);
    await h.sandbox.idle();
    await h.webhooks.reconcile(0);
    const payment = [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    expect(["Voided", "Refunded"]).toContain(payment?.status);
    expect((await h.store.getOrder(orderId))?.status).toBe("pending");
  });

  it("is sent back to the checkout with the reason when the bank says no", async () => {
    h.deps.settings.checkoutPageUrl = (cart) => `http://127.0.0.1:3000/checkout?cart=${cart}`;
    const { cartId, redirectUrl } = await leaveAtTheIssuer();
    const back = await fetch(redirectUrl, { method: "POST", body: "action=fail", redirect: "manual" });
    const landed = await h.handoff.threeDsReturn(new URL(back.headers.get("location") ?? "").searchParams);
    expect(landed).toMatchObject({
      status: 303,
      headers: { location: `http://127.0.0.1:3000/checkout?cart=${cartId}` },
    });
    const session = await h.handoff.session({ cartId });
    expect(session).toMatchObject({ status: 200, body: { notice: { code: "20151" } } });
    expect((session.body as { notice: { message: string } }).notice.message).toMatch(/bank/i);
    expect((await h.handoff.confirm({ cartId, processorToken: await h.token() })).status).toBe(200);
    h.deps.settings.checkoutPageUrl = undefined;
  });
});
