import { parseChaos } from "@handoff/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirm } from "../confirm/use-case.js";
import type { PaymentProcessor } from "../processor/port.js";
import { sampleEventFor } from "../test-support/events.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { signTestWebhook } from "../webhooks/verify.js";
import { requestOperatorAction } from "./operator.js";
import { reconcileStuckAttempts } from "./reconcile.js";

/**
 * The money promises, each through the sequence that once broke it: the amount shown is the amount
 * charged, a shopper is charged once, every refund is announced, and stock follows the payment.
 */
let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness();
  h.deps.settings.checkoutPageUrl = (cartId) => `http://127.0.0.1:3000/checkout?cart=${cartId}`;
});
afterAll(() => h.close());
beforeEach(async () => {
  h.sandbox.setChaos(parseChaos(""));
  h.sandbox.webhookUrls = [h.url];
  await h.inventory.upsertProducts([
    { sku: "mug", name: "Enamel mug", unitAmount: 1450, currency: "GBP", stock: 100 },
    { sku: "poster", name: "Risograph poster", unitAmount: 2200, currency: "GBP", stock: 100 },
    { sku: "tote", name: "Tote", unitAmount: 1800, currency: "GBP", stock: 100 },
    { sku: "last-one", name: "Signed print", unitAmount: 9900, currency: "GBP", stock: 1 },
  ]);
});

const CHALLENGE = "4010061700000021";
const paymentsOf = (orderId: string) =>
  [...h.sandbox.payments.payments.values()].filter((p) => p.reference === orderId);
/** Payments that still hold the shopper's money. */
const live = (orderId: string) =>
  paymentsOf(orderId).filter((p) => ["Authorized", "Captured", "Partially Refunded"].includes(p.status));
const stockOf = async (sku: string) => (await h.inventory.listProducts()).find((p) => p.sku === sku)?.stock;
const committed = async (orderId: string) =>
  (
    await h.db.execute(
      "SELECT sku, quantity FROM stock_reservations WHERE order_id = ? AND state = 'committed'",
      [orderId],
    )
  ).rows.map((r) => ({ sku: String(r.sku), quantity: Number(r.quantity) }));

async function waitAtTheIssuer(items: Array<{ sku: string; quantity: number }>) {
  const cartId = await h.cart(items);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(CHALLENGE) });
  expect(reply.status).toBe(202);
  return { cartId, ...(reply.body as { orderId: string; redirectUrl: string }) };
}

describe("the price is frozen while a payment is open", () => {
  it("a cart changed under an open 3-D Secure is never paid at the old price (issue #25, sequence 1)", async () => {
    const mugs = await stockOf("mug");
    const { cartId, orderId, redirectUrl } = await waitAtTheIssuer([{ sku: "mug", quantity: 1 }]);
    // Back in the shop: 1 mug, 20 posters, 30 totes; the checkout loads again.
    const changed = await h.inventory.setCartItems(cartId, [
      { sku: "mug", quantity: 1 },
      { sku: "poster", quantity: 20 },
      { sku: "tote", quantity: 30 },
    ]);
    expect(changed.ok).toBe(true);
    const session = await h.handoff.session({ cartId });
    expect(session).toMatchObject({ status: 200, body: { amount: 99450, currency: "GBP" } });

    // The old challenge is passed in the other tab, and the shopper follows the return URL.
    const back = await fetch(redirectUrl, {
      method: "POST",
      body: "action=authenticate&password=Checkout1%21",
      redirect: "manual",
    });
    const landed = await h.handoff.threeDsReturn(new URL(back.headers.get("location") ?? "").searchParams);
    // Back to the checkout, to pay the cart as it is now; not to an order that says "waiting".
    expect(landed.headers?.location).toContain(cartId);
    await h.waitUntilQuiet();

    const order = await h.store.getOrder(orderId);
    expect(order).toMatchObject({ status: "pending", amount: 99450 });
    // The £14.50 payment is given back; nothing holds the shopper's money for an unpaid order.
    expect(paymentsOf(orderId).map((p) => p.amount)).toEqual([1450]);
    expect(live(orderId)).toEqual([]);
    expect(h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type)).not.toContain("captured");
    expect(await committed(orderId)).toEqual([]);
    expect(await stockOf("mug")).toBe(mugs);
    const reversal = (await h.store.timeline(orderId)).find((e) => e.kind === "stray_payment_reversed");
    expect(reversal?.detail).toMatchObject({ accepted: true });

    // The shopper pays the new price once, and that is what is captured.
    const paid = await h.handoff.confirm({ cartId, processorToken: await h.token(), amount: 99450 });
    expect(paid).toMatchObject({ status: 200, body: { status: "approved", orderId } });
    await h.waitUntilQuiet();
    expect(live(orderId).map((p) => p.amount)).toEqual([99450]);
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
  });

  it("gives back the rest of a stray payment someone partly refunded while its reversal failed", async () => {
    const { cartId, orderId, redirectUrl } = await waitAtTheIssuer([{ sku: "mug", quantity: 1 }]);
    await h.inventory.setCartItems(cartId, [{ sku: "mug", quantity: 2 }]);
    expect((await h.handoff.session({ cartId })).status).toBe(200);
    // Checkout.com refuses every reversal for a while; meanwhile the payment is captured and someone
    // refunds £5 of it from the dashboard.
    h.sandbox.addFault({ route: "voids", status: 503, count: 100 });
    h.sandbox.addFault({ route: "refunds", status: 503, count: 100 });
    await fetch(redirectUrl, {
      method: "POST",
      body: "action=authenticate&password=Checkout1%21",
      redirect: "manual",
    });
    await h.waitUntilQuiet();
    const [stray] = live(orderId);
    expect(stray?.status).toBe("Captured");
    h.sandbox.payments.requestAction(stray?.id ?? "", "refund", { amount: 500 });
    await h.waitUntilQuiet();
    expect(stray?.status).toBe("Partially Refunded");

    await drainFaults(stray?.id ?? "");
    await reconcileStuckAttempts(h.deps, 0);
    await h.waitUntilQuiet();
    expect(stray?.status).toBe("Refunded");
    expect(stray?.balances.total_refunded).toBe(1450);
    expect((await h.store.getOrder(orderId))?.status).toBe("pending");
  });

  it("refuses to reprice while a charge is in flight, and the charge keeps its price", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let charging = () => {};
    const called = new Promise<void>((resolve) => {
      charging = resolve;
    });
    const slow: PaymentProcessor = Object.create(h.deps.processor);
    slow.requestPayment = async (request, key) => {
      charging();
      await held;
      return h.deps.processor.requestPayment(request, key);
    };
    const paying = confirmWith(slow, cartId);
    await called;
    await h.inventory.setCartItems(cartId, [{ sku: "mug", quantity: 3 }]);
    const session = await h.handoff.session({ cartId });
    expect(session).toMatchObject({ status: 409, body: { error: "ATTEMPT_IN_PROGRESS" } });
    release();
    expect(await paying).toMatchObject({ status: 200, body: { status: "approved" } });
    const orderId = await orderOf(cartId);
    expect((await h.store.getOrder(orderId))?.amount).toBe(1450);
    expect(live(orderId).map((p) => p.amount)).toEqual([1450]);
  });
});

describe("a shopper is charged once", () => {
  it("two Pay clicks after an unfinished 3-D Secure, one lookup slow: one charge (issue #25, sequence 2)", async () => {
    const { cartId, orderId } = await waitAtTheIssuer([{ sku: "mug", quantity: 1 }]);
    // Tab A asks what became of the challenge, and Checkout.com answers only after tab B has paid.
    let answer = () => {};
    const late = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const slow: PaymentProcessor = Object.create(h.deps.processor);
    slow.getPayment = async (id) => {
      const found = await h.deps.processor.getPayment(id);
      await late;
      return found;
    };
    const tabA = confirmWith(slow, cartId);
    const tabB = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    answer();
    const a = await tabA;
    expect(tabB).toMatchObject({ status: 200, body: { status: "approved", orderId } });
    expect(a).toMatchObject({ status: 200, body: { status: "approved", orderId } });
    expect((a.body as { paymentId: string }).paymentId).toBe((tabB.body as { paymentId: string }).paymentId);
    await h.waitUntilQuiet();
    await reconcileStuckAttempts(h.deps, 0);
    await h.waitUntilQuiet();
    // One card payment and the untouched 3-D Secure one; never a second charge to reverse later.
    const card = paymentsOf(orderId).filter((p) => !p.sessionId);
    expect(card.map((p) => p.status)).toEqual(["Captured"]);
    expect(live(orderId)).toHaveLength(1);
  });
});

describe("every refund is announced", () => {
  it("emits order.refunded for each part with its amount and the total, adding up to Checkout.com's balance", async () => {
    const cartId = await h.cart([{ sku: "poster", quantity: 2 }]);
    const paid = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    const orderId = (paid.body as { orderId: string }).orderId;
    await h.waitUntilQuiet();
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
    for (const [amount, key] of [
      [500, "first"],
      [300, "second"],
    ] as const) {
      const reply = await requestOperatorAction(h.deps, orderId, "refund", { amount, requestKey: key });
      expect(reply.status).toBe(202);
      await h.waitUntilQuiet();
    }
    await requestOperatorAction(h.deps, orderId, "refund", { full: true, requestKey: "rest" });
    await h.waitUntilQuiet();
    // A duplicate delivery of every event changes nothing.
    h.sandbox.setChaos(parseChaos("duplicate=1"));
    const refunds = h.emitted.filter((e) => e.orderId === orderId && e.type === "refunded");
    expect(refunds.map((e) => e.detail.refund)).toEqual([
      { amount: 500, refundedTotal: 500, full: false },
      { amount: 300, refundedTotal: 800, full: false },
      { amount: 3600, refundedTotal: 4400, full: true },
    ]);
    const payment = live(orderId)[0] ?? paymentsOf(orderId)[0];
    expect(payment?.balances.total_refunded).toBe(4400);
    expect((await h.store.getOrder(orderId))?.status).toBe("refunded");
  });
});

/** A charge whose answer never came back, then its capture as the first news (`extra`: more of the event). */
async function capturedFirst(extra: Record<string, unknown> = {}): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
  const token = await h.token();
  h.sandbox.addFault({ route: "payments", status: 503, count: 3 });
  expect((await h.handoff.confirm({ cartId, processorToken: token })).status).toBe(503);
  const orderId = await orderOf(cartId);
  const event = sampleEventFor("payment_captured", {
    reference: orderId,
    amount: 1450,
    currency: "GBP",
    metadata: { AccelerateToken: token },
    ...extra,
  });
  const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
  expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);
  await h.waitUntilQuiet();
  return orderId;
}

describe("every step is announced", () => {
  it("announces paid before captured when the capture is the first news of a payment", async () => {
    const orderId = await capturedFirst();
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
    expect(h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type)).toEqual(["paid", "captured"]);
  });
});

describe("a risk flag holds the order, whichever news comes first", () => {
  it("holds a flagged payment whose capture is the first news for review, never announcing paid", async () => {
    const orderId = await capturedFirst({ risk: { flagged: true } });
    expect((await h.store.getOrder(orderId))?.status).toBe("needs_review");
    expect(h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type)).toEqual(["needs_review"]);
  });
});

describe("stock follows the payment", () => {
  /** A charge Checkout.com made while we could not hear it, and the sweep could not find. */
  async function failedThenApproved(sku: string) {
    const cartId = await h.cart([{ sku, quantity: 1 }]);
    const token = await h.token();
    h.sandbox.addFault({ route: "payments", status: 503, count: 3 });
    const lost = await h.handoff.confirm({ cartId, processorToken: token });
    expect(lost.status).toBe(503);
    const orderId = await orderOf(cartId);
    await reconcileStuckAttempts(h.deps, 0);
    expect((await h.store.attemptByToken(token))?.status).toBe("failed");
    return { cartId, orderId, token };
  }

  async function approvedLater(orderId: string, token: string) {
    const order = await h.store.getOrder(orderId);
    const event = sampleEventFor("payment_approved", {
      reference: orderId,
      amount: order?.amount,
      currency: order?.currency,
      metadata: { AccelerateToken: token },
    });
    const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
    expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);
    await h.waitUntilQuiet();
  }

  it("takes the stock again when a failed attempt is approved after all", async () => {
    const before = await stockOf("poster");
    const { orderId, token } = await failedThenApproved("poster");
    expect(await stockOf("poster")).toBe(before);
    await approvedLater(orderId, token);
    expect((await h.store.getOrder(orderId))?.status).toBe("authorized");
    expect(await stockOf("poster")).toBe((before ?? 0) - 1);
    expect(await committed(orderId)).toEqual([{ sku: "poster", quantity: 1 }]);
  });

  it("holds the order for review, never overselling, when that stock was sold meanwhile", async () => {
    const { orderId, token } = await failedThenApproved("last-one");
    const other = await h.cart([{ sku: "last-one", quantity: 1 }]);
    expect((await h.handoff.confirm({ cartId: other, processorToken: await h.token() })).status).toBe(200);
    await approvedLater(orderId, token);
    expect((await h.store.getOrder(orderId))?.status).toBe("needs_review");
    expect(await stockOf("last-one")).toBe(0);
    expect(await committed(orderId)).toEqual([]);
    const gone = (await h.store.timeline(orderId)).find((e) => e.kind === "stock_gone");
    expect(gone?.detail.lines).toEqual([expect.objectContaining({ sku: "last-one", available: 0 })]);
  });
});

describe("settle checks the money", () => {
  it("never marks an order paid by a payment for another amount, and flags it for a person", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 2 }]);
    const token = await h.token();
    h.sandbox.addFault({ route: "payments", status: 503, count: 3 });
    await h.handoff.confirm({ cartId, processorToken: token });
    const orderId = await orderOf(cartId);
    const event = sampleEventFor("payment_approved", {
      reference: orderId,
      amount: 100,
      currency: "GBP",
      metadata: { AccelerateToken: token },
    });
    const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
    expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);
    await h.waitUntilQuiet();
    const order = await h.store.getOrder(orderId);
    expect(order).toMatchObject({ status: "pending", riskFlagged: true });
    const timeline = await h.store.timeline(orderId);
    expect(timeline.find((e) => e.kind === "payment_amount_mismatch")?.detail).toMatchObject({
      expected: { amount: 2900, currency: "GBP" },
      seen: { amount: 100, currency: "GBP" },
    });
    expect(timeline.some((e) => e.kind === "stray_payment_reversed")).toBe(true);
    expect(h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type)).not.toContain("paid");
  });
});

/** Uses up the reversal faults with requests Checkout.com refuses (a negative amount) once they are gone. */
async function drainFaults(paymentId: string) {
  for (const route of ["voids", "refunds"]) {
    for (;;) {
      const reply = await fetch(`${h.sandbox.url}/payments/${paymentId}/${route}`, {
        method: "POST",
        headers: { authorization: `Bearer ${h.sandbox.keys.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ amount: -1 }),
      });
      if (reply.status !== 503) break;
    }
  }
}

async function orderOf(cartId: string): Promise<string> {
  return (await h.store.findOrderByCart(cartId))?.id ?? "";
}

/** One tab's confirm, talking to Checkout.com through `processor`. */
async function confirmWith(processor: PaymentProcessor, cartId: string) {
  return confirm({ cartId, processorToken: await h.token() }, { ...h.deps, processor });
}
