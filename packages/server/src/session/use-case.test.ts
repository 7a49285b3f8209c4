import { paymentSessionResponseSchema, sessionResponseSchema } from "@handoff/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../test-support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("session", () => {
  it("prices the cart on the server and opens a payment session for exactly that amount", async () => {
    const cartId = await h.cart([
      { sku: "mug", quantity: 2 },
      { sku: "poster", quantity: 1 },
    ]);
    const reply = await h.handoff.session({ cartId });
    expect(reply.status).toBe(200);
    const body = sessionResponseSchema.parse(reply.body);
    expect(body).toMatchObject({
      amount: 5100,
      currency: "GBP",
      amountText: "£51.00",
      environment: "local",
      publicKey: h.sandbox.keys.publicKey,
    });
    expect(body.componentsScriptUrl).toBe(`${h.sandbox.url}/checkout-web-components/index.js`);
    const session = paymentSessionResponseSchema.parse(body.paymentSession);
    expect(h.sandbox.payments.paymentSessions.get(session.id)).toMatchObject({
      amount: 5100,
      currency: "GBP",
    });
    expect(JSON.stringify(body)).not.toContain(h.sandbox.keys.secretKey);
  });

  it("writes the amount in the language the widget asked in, and in English when it cannot", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 2 }]);
    const french = await h.handoff.session({ cartId }, { locale: "fr-FR" });
    // French puts a (narrow) no-break space before the euro/pound sign's amount group and a comma for decimals.
    expect((french.body as { amountText: string }).amountText.replace(/\s/g, " ")).toBe("29,00 £GB");
    const unknown = await h.handoff.session({ cartId }, { locale: "zz-9999" });
    expect((unknown.body as { amountText: string }).amountText).toMatch(/29\.00/);
  });

  it("follows the cart when the shopper changes it before paying", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    await h.handoff.session({ cartId });
    await h.inventory.setCartItems(cartId, [{ sku: "mug", quantity: 4 }]);
    const again = await h.handoff.session({ cartId });
    expect(again.body).toMatchObject({ amount: 5800 });
    const order = await h.store.findOrderByCart(cartId);
    expect(order?.amount).toBe(5800);
    expect((await h.handoff.confirm({ cartId, processorToken: await h.token() })).status).toBe(200);
  });

  it("refuses a session for a cart that is already paid", async () => {
    const cartId = await h.cart();
    await h.handoff.confirm({ cartId, processorToken: await h.token() });
    expect(await h.handoff.session({ cartId })).toMatchObject({
      status: 409,
      body: { error: "ORDER_COMPLETED" },
    });
  });

  it("answers unknown carts with 404 and bad bodies with 400", async () => {
    expect(await h.handoff.session({ cartId: "cart_missing" })).toMatchObject({
      status: 404,
      body: { error: "CART_NOT_FOUND" },
    });
    expect(await h.handoff.session({})).toMatchObject({ status: 400, body: { error: "INVALID_REQUEST" } });
  });

  it("answers 503 when Checkout.com is down, and a later session works", async () => {
    const cartId = await h.cart(undefined, { session: false });
    h.sandbox.addFault({ route: "payment-sessions", status: 503 });
    expect(await h.handoff.session({ cartId })).toMatchObject({
      status: 503,
      body: { error: "PROCESSOR_UNAVAILABLE" },
    });
    expect((await h.handoff.session({ cartId })).status).toBe(200);
  });
});
