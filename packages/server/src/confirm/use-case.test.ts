import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckoutComProcessor } from "../processor/checkout-com.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { confirm } from "./use-case.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ timeoutMs: 400, attempts: 3 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.inventory.upsertProducts([
    { sku: "last-one", name: "Signed print", unitAmount: 9900, currency: "GBP", stock: 1 },
  ]);
});

async function stockOf(sku: string): Promise<number> {
  return (await h.inventory.listProducts()).find((p) => p.sku === sku)?.stock ?? -1;
}

async function pay(number = "4242424242424242", items?: Array<{ sku: string; quantity: number }>) {
  const cartId = await h.cart(items);
  const token = await h.token(number);
  const reply = await h.handoff.confirm({ cartId, processorToken: token });
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON the use case answered
  return { cartId, token, reply, body: reply.body as Record<string, any> };
}

describe("confirm: approvals", () => {
  it("charges the server-priced amount with the token as AccelerateToken, and the order is authorized", async () => {
    const before = await stockOf("mug");
    const { token, reply, body } = await pay("4242424242424242", [{ sku: "mug", quantity: 3 }]);
    expect(reply.status).toBe(200);
    expect(body).toMatchObject({
      status: "approved",
      orderId: expect.stringMatching(/^ord_/),
      paymentId: expect.stringMatching(/^pay_/),
    });

    const payment = h.sandbox.payments.payments.get(body.paymentId);
    expect(payment).toMatchObject({
      amount: 4350,
      currency: "GBP",
      reference: body.orderId,
      metadata: { AccelerateToken: token },
    });
    expect((await h.store.getOrder(body.orderId))?.status).toBe("authorized");
    expect(await stockOf("mug")).toBe(before - 3);

    const kinds = (await h.store.timeline(body.orderId)).map((e) => e.kind);
    expect(kinds).toEqual([
      "order_created",
      "processor_call", // the payment session, opened when the checkout loaded
      "attempt_started",
      "stock_reserved",
      "processor_call",
      "status_changed",
    ]);
    const call = (await h.store.timeline(body.orderId)).findLast((e) => e.kind === "processor_call");
    expect(JSON.stringify(call)).not.toContain(h.sandbox.keys.secretKey);
  });

  it("charges zero-decimal currencies in their own minor units", async () => {
    const { body } = await pay("4242424242424242", [{ sku: "yen-tea", quantity: 2 }]);
    expect(h.sandbox.payments.payments.get(body.paymentId)).toMatchObject({ amount: 2400, currency: "JPY" });
  });

  it("never charges an amount the browser sends: one that differs from the session's is refused", async () => {
    const cartId = await h.cart([{ sku: "poster", quantity: 1 }]);
    const tampered = await h.handoff.confirm({ cartId, processorToken: await h.token(), amount: 1 });
    expect(tampered).toMatchObject({ status: 409, body: { error: "CART_CHANGED" } });
    const orderId = (tampered.body as { orderId: string }).orderId;
    expect(await h.chargesFor(orderId)).toBe(0);
    const shown = { amount: 2200, currency: "GBP" };
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(), ...shown });
    const paymentId = (reply.body as { paymentId: string }).paymentId;
    expect(h.sandbox.payments.payments.get(paymentId)?.amount).toBe(2200);
  });

  it("refuses to charge a cart no checkout session was opened for", async () => {
    const cartId = await h.cart([{ sku: "poster", quantity: 3 }], { session: false });
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    expect(reply).toMatchObject({ status: 409, body: { error: "CART_CHANGED" } });
  });

  it("forwards Flow's device session to Checkout.com's risk engine", async () => {
    const cartId = await h.cart([{ sku: "poster", quantity: 1 }]);
    const deviceSessionId = "dsid_ltfz5ij4fq3e5h4y7kqgjwdlbu";
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(), deviceSessionId });
    const paymentId = (reply.body as { paymentId: string }).paymentId;
    expect(h.sandbox.payments.payments.get(paymentId)?.risk).toMatchObject({
      device_session_id: deviceSessionId,
    });
  });

  it("holds a risk-flagged approval for review while the shopper sees success", async () => {
    const { reply, body } = await pay("4000000000000101");
    expect(reply.status).toBe(200);
    expect(body.needsReview).toBe(true);
    expect(await h.store.getOrder(body.orderId)).toMatchObject({ status: "needs_review", riskFlagged: true });
  });
});

describe("confirm: declines", () => {
  it.each([
    ["4544249167673670", "20051", "soft", true, "insufficient_funds", /insufficient funds/],
    ["4539253655711767", "30043", "hard", false, "card_unusable", /can't be used/],
    ["4000000000000408", "40101", "risk", false, "risk_blocked", /couldn't accept/],
  ])(
    "card %s declines %s as %s, with a message a shopper understands",
    async (card, code, category, retryable, reason, message) => {
      const before = await stockOf("mug");
      const { reply, body } = await pay(card);
      expect(reply.status).toBe(402);
      expect(body).toMatchObject({ status: "declined", code, category, retryable, reason });
      expect(body.message).toMatch(message);
      expect(body.message).not.toMatch(/stolen|fraud|\d{5}/i);
      expect((await h.store.getOrder(body.orderId))?.status).toBe("declined");
      expect(await stockOf("mug")).toBe(before);
    },
  );

  it("lets the shopper retry a soft decline with a fresh token", async () => {
    const cartId = await h.cart([{ sku: "poster", quantity: 1 }]);
    const first = await h.handoff.confirm({ cartId, processorToken: await h.token("4544249167673670") });
    expect(first.status).toBe(402);
    const second = await h.handoff.confirm({ cartId, processorToken: await h.token("4242424242424242") });
    expect(second.status).toBe(200);
    const orderId = (second.body as { orderId: string }).orderId;
    expect(orderId).toBe((first.body as { orderId: string }).orderId);
    expect((await h.store.getOrder(orderId))?.status).toBe("authorized");
    expect(await h.chargesFor(orderId)).toBe(2);
  });
});

describe("confirm: 3-D Secure", () => {
  async function challenge(action: "authenticate" | "fail") {
    const { reply, body } = await pay("4010061700000021");
    expect(reply.status).toBe(202);
    expect(body).toMatchObject({
      status: "requires_action",
      redirectUrl: expect.stringContaining("/3ds/sid_"),
    });
    const form = action === "fail" ? "action=fail" : "action=authenticate&password=Checkout1%21";
    const back = await fetch(body.redirectUrl, { method: "POST", body: form, redirect: "manual" });
    const returnTo = new URL(back.headers.get("location") ?? "");
    expect(`${returnTo.origin}${returnTo.pathname}`).toBe(h.returnUrl);
    const landed = await h.handoff.threeDsReturn(returnTo.searchParams);
    expect(landed).toMatchObject({
      status: 303,
      headers: { location: `http://127.0.0.1:3000/orders/${body.orderId}` },
    });
    return body.orderId as string;
  }

  it("authorizes the order after a passed challenge", async () => {
    const orderId = await challenge("authenticate");
    expect((await h.store.getOrder(orderId))?.status).toBe("authorized");
  });

  it("declines the order and releases its stock after a failed challenge", async () => {
    const before = await stockOf("mug");
    const orderId = await challenge("fail");
    expect((await h.store.getOrder(orderId))?.status).toBe("declined");
    expect(await stockOf("mug")).toBe(before);
  });

  it("refuses a return without a session id", async () => {
    const reply = await h.handoff.threeDsReturn(new URLSearchParams("cko-session-id=pay_x"));
    expect(reply).toMatchObject({ status: 400, body: { error: "INVALID_REQUEST" } });
  });
});

describe("confirm: never twice", () => {
  it("answers the same token twice with the same result and one charge", async () => {
    const { cartId, token, body } = await pay();
    const again = await h.handoff.confirm({ cartId, processorToken: token });
    expect(again.body).toEqual(body);
    expect(await h.chargesFor(body.orderId)).toBe(1);
  });

  it("refuses a token already used for another cart", async () => {
    const { token } = await pay();
    const other = await h.handoff.confirm({ cartId: await h.cart(), processorToken: token });
    expect(other).toMatchObject({ status: 422, body: { error: "TOKEN_USED" } });
  });

  it("handles a double click: two confirms at once charge once", async () => {
    const cartId = await h.cart();
    const token = await h.token();
    const replies = await Promise.all([
      h.handoff.confirm({ cartId, processorToken: token }),
      h.handoff.confirm({ cartId, processorToken: token }),
    ]);
    // The second click is told the payment is in progress (409), or, when the first has already
    // finished by the time it is looked at, gets the same approval again: never a second charge.
    const statuses = replies.map((r) => r.status).sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    const approvals = replies
      .filter((r) => r.status === 200)
      .map((r) => r.body as { orderId: string; paymentId: string });
    expect(new Set(approvals.map((a) => `${a.orderId}/${a.paymentId}`)).size).toBe(1);
    expect(await h.chargesFor(approvals[0]?.orderId ?? "")).toBe(1);
  });

  it("lets exactly one of two shoppers racing for the last unit win", async () => {
    const [a, b] = await Promise.all([
      h.cart([{ sku: "last-one", quantity: 1 }]),
      h.cart([{ sku: "last-one", quantity: 1 }]),
    ]);
    const [ta, tb] = await Promise.all([h.token(), h.token()]);
    const replies = await Promise.all([
      h.handoff.confirm({ cartId: a, processorToken: ta }),
      h.handoff.confirm({ cartId: b, processorToken: tb }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = replies.find((r) => r.status === 409)?.body as Record<string, unknown>;
    expect(loser).toMatchObject({
      error: "OUT_OF_STOCK",
      lines: [{ sku: "last-one", requested: 1, available: 0 }],
    });
    expect(await stockOf("last-one")).toBe(0);
    expect(h.sandbox.payments.payments.size).toBeGreaterThan(0);
  });
});

describe("confirm: tokens", () => {
  it("asks for new card details when the token expired", async () => {
    const cartId = await h.cart();
    const token = await h.token();
    h.sandbox.advanceClock(16 * 60_000);
    try {
      const reply = await h.handoff.confirm({ cartId, processorToken: token });
      expect(reply).toMatchObject({ status: 422, body: { error: "TOKEN_EXPIRED" } });
    } finally {
      h.sandbox.advanceClock(-16 * 60_000);
    }
  });

  it("asks for new card details when the token was spent elsewhere, and holds no stock", async () => {
    const token = await h.token();
    h.sandbox.payments.createPayment({ source: { type: "token", token }, amount: 100, currency: "GBP" });
    const before = await stockOf("mug");
    const reply = await h.handoff.confirm({ cartId: await h.cart(), processorToken: token });
    expect(reply).toMatchObject({ status: 422, body: { error: "TOKEN_USED" } });
    expect(await stockOf("mug")).toBe(before);
  });
});

describe("confirm: Checkout.com trouble", () => {
  it("retries a timed-out charge with the same key and charges once", async () => {
    // The first try times out at 400 ms while the sandbox takes 800 ms; a retry that arrives while the
    // original is still running gets 429, and the one after it gets the original's answer replayed.
    const processor = new CheckoutComProcessor({
      secretKey: h.sandbox.keys.secretKey,
      publicKey: h.sandbox.keys.publicKey,
      host: h.sandbox.url,
      timeoutMs: 400,
      retry: { attempts: 4, baseDelayMs: 250 },
    });
    h.sandbox.addFault({ route: "payments", delayMs: 800, count: 1 });
    const cartId = await h.cart();
    const reply = await confirm({ cartId, processorToken: await h.token() }, { ...h.deps, processor });
    expect(reply.status).toBe(200);
    const orderId = (reply.body as { orderId: string }).orderId;
    expect(await h.chargesFor(orderId)).toBe(1);
    const calls = (await h.store.timeline(orderId))
      .filter((e) => e.kind === "processor_call" && e.detail.operation !== "POST /payment-sessions")
      .map((e) => e.detail);
    expect(calls[0]).toMatchObject({ attempt: 1, error: "timeout" });
    expect(calls.at(-1)).toMatchObject({ status: 200 });
  });

  it("retries when the connection drops after the charge, and charges once", async () => {
    h.sandbox.addFault({ route: "payments", drop: true, count: 1 });
    const { reply, body } = await pay();
    expect(reply.status).toBe(200);
    expect(await h.chargesFor(body.orderId)).toBe(1);
  });

  it("answers 503 after repeated 502s, keeps the attempt for later, and a retry charges once", async () => {
    h.sandbox.addFault({ route: "payments", status: 502, count: 3 });
    const { cartId, token, reply, body } = await pay();
    expect(reply).toMatchObject({ status: 503, body: { error: "PROCESSOR_UNAVAILABLE", retryable: true } });
    const attempt = await h.store.attemptByToken(token);
    expect(attempt?.status).toBe("unknown");
    const blocked = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    expect(blocked).toMatchObject({ status: 409, body: { error: "ATTEMPT_IN_PROGRESS" } });
    const retried = await h.handoff.confirm({ cartId, processorToken: token });
    expect(retried.status).toBe(200);
    expect(await h.chargesFor(body.orderId)).toBe(1);
  });
});

describe("confirm: the cart", () => {
  it("refuses a cart that changed after the session, naming the order", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    expect((await h.handoff.session({ cartId })).status).toBe(200);
    await h.inventory.setCartItems(cartId, [{ sku: "mug", quantity: 5 }]);
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    expect(reply).toMatchObject({ status: 409, body: { error: "CART_CHANGED" } });
    expect(h.sandbox.payments.payments.size).toBeGreaterThan(0);
  });

  it("refuses a cart whose prices changed after the session", async () => {
    await h.inventory.upsertProducts([
      { sku: "reprice", name: "Tote", unitAmount: 1000, currency: "GBP", stock: 10 },
    ]);
    const cartId = await h.cart([{ sku: "reprice", quantity: 1 }]);
    await h.handoff.session({ cartId });
    await h.inventory.upsertProducts([
      { sku: "reprice", name: "Tote", unitAmount: 1, currency: "GBP", stock: 10 },
    ]);
    expect((await h.handoff.confirm({ cartId, processorToken: await h.token() })).status).toBe(409);
  });

  it("explains bad requests field by field and unknown carts by name", async () => {
    const bad = await h.handoff.confirm({ cartId: "", processorToken: "4242424242424242" });
    expect(bad).toMatchObject({ status: 400, body: { error: "INVALID_REQUEST" } });
    expect((bad.body as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      "cartId",
      "processorToken",
    ]);
    expect(await h.handoff.confirm(null)).toMatchObject({ status: 400 });
    const unknown = await h.handoff.confirm({ cartId: "cart_nope", processorToken: await h.token() });
    expect(unknown).toMatchObject({ status: 404, body: { error: "CART_NOT_FOUND" } });
  });

  it("answers approved, without charging again, when a paid cart is confirmed with a new token", async () => {
    const { cartId, body } = await pay();
    const again = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    expect(again).toMatchObject({ status: 200, body: { status: "approved", paymentId: body.paymentId } });
    expect(await h.chargesFor(body.orderId)).toBe(1);
  });
});
