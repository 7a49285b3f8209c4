import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../test-support/harness.js";

/**
 * What a current-platform account at Checkout.com insists on, offline: the sandbox in strict mode
 * wants a billing country on every payment session and a processing channel on every call.
 */
let h: Harness;
const CHANNEL = "pc_q4dbxom5jbgudnjzjpz7j2z6uq";
beforeAll(async () => {
  h = await startHarness({ strict: true });
  h.deps.settings.processingChannelFor = () => CHANNEL;
});
afterAll(() => h.close());

const who = { customer: { email: "ada@example.com", name: "Ada Lovelace" }, billing: { country: "GB" } };

describe("real-mode session and payment bodies, judged by the strict sandbox", () => {
  it("sends billing country, customer, channel, payment IP and device session, and Checkout.com takes them", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    const session = await h.handoff.session({ cartId, ...who });
    expect(session.status).toBe(200);
    const sessionId = (session.body as { paymentSession: { id: string } }).paymentSession.id;
    expect(h.sandbox.payments.paymentSessions.get(sessionId)).toMatchObject({
      billingCountry: "GB",
      customer: { email: "ada@example.com", name: "Ada Lovelace" },
    });
    const reply = await h.handoff.confirm(
      { cartId, processorToken: await h.token(), deviceSessionId: "dsid_ltfz5ij4fq3e5h4y7kqgjwdlbu" },
      { client: "::ffff:203.0.113.9" },
    );
    expect(reply.status).toBe(200);
    const payment = h.sandbox.payments.payments.get((reply.body as { paymentId: string }).paymentId);
    expect(payment).toMatchObject({
      processingChannelId: CHANNEL,
      billingCountry: "GB",
      paymentIp: "203.0.113.9",
      customer: { email: "ada@example.com", name: "Ada Lovelace" },
      risk: { device_session_id: "dsid_ltfz5ij4fq3e5h4y7kqgjwdlbu" },
    });
  });

  it("lets a server-side hook say who pays (a signed-in customer), over what the browser sent", async () => {
    h.deps.sessionDetails = () => ({ customer: { email: "known@example.com" }, billing: { country: "FR" } });
    try {
      const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
      const session = await h.handoff.session({ cartId });
      const sessionId = (session.body as { paymentSession: { id: string } }).paymentSession.id;
      expect(h.sandbox.payments.paymentSessions.get(sessionId)).toMatchObject({
        billingCountry: "FR",
        customer: { email: "known@example.com" },
      });
    } finally {
      h.deps.sessionDetails = undefined;
    }
  });

  it("is refused as Checkout.com would refuse it: no billing country, no processing channel", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    const bare = await h.handoff.session({ cartId });
    expect(bare.status).toBeGreaterThanOrEqual(400);
    const calls = (await h.store.timeline((bare.body as { orderId: string }).orderId)).filter(
      (e) => e.kind === "processor_call",
    );
    expect(calls.at(-1)?.detail).toMatchObject({ status: 422 });
    const noChannel = h.sandbox.payments.createPayment({
      source: { type: "token", token: await h.token() },
      amount: 100,
      currency: "GBP",
    });
    expect(noChannel).toMatchObject({
      status: 422,
      body: { error_type: "request_invalid", error_codes: ["processing_channel_id_required"] },
    });
    const used = h.sandbox.payments.createPayment({
      source: { type: "token", token: "tok_aaaaaaaaaaaaaaaaaaaaaaaaaa" },
      amount: 100,
      currency: "GBP",
      processing_channel_id: CHANNEL,
    });
    expect(used).toMatchObject({ status: 422, body: { error_type: "request_invalid" } });
  });

  it("refuses a malformed email or country from the browser, field by field", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    const bad = await h.handoff.session({
      cartId,
      customer: { email: "not-an-email" },
      billing: { country: "gb" },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: "INVALID_REQUEST" } });
    expect((bad.body as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      "customer.email",
      "billing.country",
    ]);
  });
});
