import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { livePayment, parseMinorAmount, requestOperatorAction } from "./operator.js";

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness();
});
afterAll(() => h.close());

async function paidOrder(): Promise<string> {
  const reply = await h.handoff.confirm({ cartId: await h.cart(), processorToken: await h.token() });
  await h.waitUntilQuiet();
  return (reply.body as { orderId: string }).orderId;
}

describe("operator actions", () => {
  it("refunds in part, then in full, and the webhooks move the order to refunded", async () => {
    const orderId = await paidOrder();
    expect(
      await requestOperatorAction(h.deps, orderId, "refund", { amount: 900, operator: "ops" }),
    ).toMatchObject({ status: 202 });
    await h.waitUntilQuiet();
    expect((await h.store.getOrder(orderId))?.status).toBe("partially_refunded");
    expect(await requestOperatorAction(h.deps, orderId, "refund", { full: true })).toMatchObject({
      status: 202,
    });
    await h.waitUntilQuiet();
    expect((await h.store.getOrder(orderId))?.status).toBe("refunded");
    const actions = (await h.store.timeline(orderId)).filter((e) => e.kind === "operator_action");
    expect(actions.map((a) => a.detail)).toMatchObject([
      { action: "refund", amount: 900, accepted: true },
      { action: "refund", accepted: true },
    ]);
  });

  it("shows what Checkout.com allows now, and refuses what it does not", async () => {
    const orderId = await paidOrder();
    const live = await livePayment(h.deps, orderId);
    expect("allowed" in live && live.allowed).toEqual(["refund"]);
    expect(await requestOperatorAction(h.deps, orderId, "void", {})).toMatchObject({
      status: 409,
      body: { error: "ACTION_NOT_ALLOWED" },
    });
    expect(await requestOperatorAction(h.deps, orderId, "refund", { amount: 999_999 })).toMatchObject({
      status: 400,
    });
    expect(await requestOperatorAction(h.deps, orderId, "refund", { amount: "12.50" })).toMatchObject({
      status: 400,
    });
  });

  it("never coerces an amount: each of these is refused with AMOUNT_INVALID and nothing is refunded", async () => {
    const orderId = await paidOrder();
    const paymentId = (await h.store.attemptsOfOrder(orderId)).at(-1)?.paymentId ?? "";
    for (const amount of ["", true, [1], "0x10", "1e3", " 12 ", 12.5, -5, 0, null, "٣"]) {
      expect(await requestOperatorAction(h.deps, orderId, "refund", { amount })).toMatchObject({
        status: 400,
        body: { error: "AMOUNT_INVALID" },
      });
    }
    expect(h.sandbox.payments.payments.get(paymentId)?.balances.total_refunded).toBe(0);
    // An empty request never means "everything".
    expect(await requestOperatorAction(h.deps, orderId, "refund", {})).toMatchObject({
      status: 400,
      body: { error: "AMOUNT_INVALID" },
    });
    expect(parseMinorAmount("1450")).toEqual({ ok: true, amount: 1450 });
    expect(parseMinorAmount(undefined)).toEqual({ ok: true });
  });

  it("a request key sent again: the same request is answered again, another amount is refused, the money moves once", async () => {
    const orderId = await paidOrder();
    const paymentId = (await h.store.attemptsOfOrder(orderId)).at(-1)?.paymentId ?? "";
    const first = await requestOperatorAction(h.deps, orderId, "refund", {
      amount: 100,
      requestKey: "ops:k1",
    });
    expect(first).toMatchObject({ status: 202 });
    const again = await requestOperatorAction(h.deps, orderId, "refund", {
      amount: 100,
      requestKey: "ops:k1",
    });
    expect(again).toEqual(first);
    for (const other of [
      { action: "refund", amount: 900 },
      { action: "refund", full: true },
      { action: "capture", amount: 100 },
    ] as const) {
      const { action, ...rest } = other;
      expect(
        await requestOperatorAction(h.deps, orderId, action, { ...rest, requestKey: "ops:k1" }),
      ).toMatchObject({ status: 409, body: { error: "IDEMPOTENCY_KEY_REUSED" } });
    }
    await h.waitUntilQuiet();
    expect(h.sandbox.payments.payments.get(paymentId)?.balances.total_refunded).toBe(100);
    const actions = (await h.store.timeline(orderId)).filter((e) => e.kind === "operator_action");
    expect(actions.map((a) => a.detail)).toMatchObject([{ action: "refund", amount: 100, accepted: true }]);
    // A new key is a new request.
    expect(
      await requestOperatorAction(h.deps, orderId, "refund", { amount: 900, requestKey: "ops:k2" }),
    ).toMatchObject({ status: 202 });
  });

  it("answers 404 for an order with no payment", async () => {
    const cartId = await h.cart();
    await h.handoff.session({ cartId });
    const order = await h.store.findOrderByCart(cartId);
    expect(await requestOperatorAction(h.deps, order?.id ?? "", "capture", { full: true })).toMatchObject({
      status: 404,
    });
  });
});
