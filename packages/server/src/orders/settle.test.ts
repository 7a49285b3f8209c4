import type { OrderStatus } from "@handoff/contracts";
import { parseChaos, type SandboxPayment } from "@handoff/sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirm } from "../confirm/use-case.js";
import { CheckoutComProcessor } from "../processor/checkout-com.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { signTestWebhook } from "../webhooks/verify.js";
import { paymentStatusOf } from "./model.js";
import { releaseReview, requestOperatorAction } from "./operator.js";
import { settle } from "./settle.js";

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness({ startWorker: false });
});
afterAll(() => h.close());
beforeEach(() => {
  h.sandbox.setChaos(parseChaos(""));
  h.sandbox.webhookUrls = [];
});

const CARDS = {
  approved: "4242424242424242",
  flagged: "4000000000000101",
  declined: "4544249167673670",
  challenge: "4010061700000021",
} as const;

/** What the order must say, given what Checkout.com holds for it (the payment's truth). */
function expectedStatus(payment: SandboxPayment, released: boolean): OrderStatus {
  const byStatus: Record<string, OrderStatus> = {
    Pending: "requires_action",
    Authorized: "authorized",
    Captured: "captured",
    "Partially Refunded": "partially_refunded",
    Refunded: "refunded",
    Declined: "declined",
    Voided: "voided",
  };
  const status = byStatus[payment.status];
  if (!status) throw new Error(`unexpected sandbox status ${payment.status}`);
  const held = payment.risk.flagged && !released && (status === "authorized" || status === "captured");
  return held ? "needs_review" : status;
}

async function deliver(bodies: string[]) {
  for (const raw of bodies) {
    const signed = signTestWebhook(raw, h.sandbox.keys.signatureKey);
    const response = await fetch(h.url, { method: "POST", body: signed.body, headers: signed.headers });
    expect(response.status).toBe(200);
  }
  await h.webhooks.worker.drain();
}

function eventsOf(paymentIds: Set<string>, from = 0): string[] {
  return h.sandbox.webhooks.events
    .slice(from)
    .filter((e) => e.subject !== undefined && paymentIds.has(e.subject))
    .map((e) => e.body);
}

describe("one way to settle a payment", () => {
  it("ends every order at the payment's truth, whatever interleaves: confirm (or its timeout), webhooks in any order and twice, the sweep, an operator", async () => {
    const slow = new CheckoutComProcessor({
      secretKey: h.sandbox.keys.secretKey,
      publicKey: h.sandbox.keys.publicKey,
      host: h.sandbox.url,
      timeoutMs: 300,
      retry: { attempts: 1, baseDelayMs: 10 },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(CARDS) as Array<keyof typeof CARDS>)),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (card, timesOut, operatorActs, seed) => {
          const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
          const token = await h.token(CARDS[card]);
          if (timesOut) h.sandbox.addFault({ route: "payments", drop: true, count: 1 });
          const charging = confirm(
            { cartId, processorToken: token },
            timesOut ? { ...h.deps, processor: slow } : h.deps,
          );
          const order0 = await h.store.findOrderByCart(cartId);
          const payments = () =>
            [...h.sandbox.payments.payments.values()].filter((p) => p.reference === order0?.id);
          // As soon as Checkout.com holds the payment its webhooks may race confirm's own answer
          // (and beat it by far when that answer is lost to a timeout).
          while (payments().length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
          const early = new Set([(payments()[0] as SandboxPayment).id]);
          const [first] = await Promise.all([charging, deliver(eventsOf(early))]);
          const orderId = (first.body as { orderId: string }).orderId;
          const body = first.body as { redirectUrl?: string };
          expect(payments()).toHaveLength(1);
          const payment = payments()[0] as SandboxPayment;
          if (body.redirectUrl) {
            await fetch(body.redirectUrl, {
              method: "POST",
              body: "action=authenticate&password=Checkout1%21",
              redirect: "manual",
            });
          }
          await h.sandbox.idle();
          const ids = new Set([payment.id]);
          const mark = h.sandbox.webhooks.events.length;
          const shuffled = fc.sample(
            fc.shuffledSubarray([...eventsOf(ids), ...eventsOf(ids)], {
              minLength: eventsOf(ids).length * 2,
            }),
            { seed, numRuns: 1 },
          )[0] as string[];
          let released = false;
          const operator = async () => {
            if (!operatorActs) return;
            const order = await h.store.getOrder(orderId);
            if (order?.status === "needs_review") {
              released = (await releaseReview(h.deps, orderId, "ops@test")).status === 200;
            } else if (payment.status === "Captured") {
              await requestOperatorAction(h.deps, orderId, "refund", { amount: 100, operator: "ops@test" });
            }
          };
          // Everything that may hold news about this payment, at once.
          await Promise.all([
            deliver(shuffled),
            h.webhooks.reconcile(0),
            confirm({ cartId, processorToken: token }, h.deps),
            operator(),
          ]);
          await deliver(eventsOf(ids, mark));
          await h.webhooks.reconcile(0);
          await h.sandbox.idle();
          await deliver(eventsOf(ids, mark));

          const attempt = await h.store.attemptByToken(token);
          const order = await h.store.getOrder(orderId);
          const expected = expectedStatus(payment, released);
          expect({ attempt: attempt && paymentStatusOf(attempt), order: order?.status }).toEqual({
            attempt: expected,
            order: expected,
          });
          expect(attempt?.paymentId).toBe(payment.id);
          expect(payments()).toHaveLength(1);
        },
      ),
      { numRuns: 24 },
    );
  }, 120_000);

  it("never lets a late 'no answer' overwrite an approval a webhook already applied", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    const token = await h.token();
    const reply = await h.handoff.confirm({ cartId, processorToken: token });
    const attempt = await h.store.attemptByToken(token);
    if (!attempt) throw new Error("no attempt");
    expect(reply.status).toBe(200);
    const late = await settle(h.deps, attempt, { kind: "unknown" }, { source: "confirm" });
    expect(late.changed).toBe(false);
    expect(late.attempt).toMatchObject({ status: "authorized", paymentId: attempt.paymentId });
    const cleared = await settle(h.deps, attempt, { kind: "not_charged" }, { source: "reconciliation" });
    expect(cleared.changed).toBe(false);
    expect((await h.store.getOrder(attempt.orderId))?.status).toBe("authorized");
  });
});

describe("fraud review", () => {
  it("holds a risk-flagged order in review through its capture, and announces fulfilment only on release", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(CARDS.flagged) });
    const { orderId, paymentId } = reply.body as { orderId: string; paymentId: string };
    expect(reply.body).toMatchObject({ status: "approved", needsReview: true });
    await h.sandbox.idle();
    await deliver(eventsOf(new Set([paymentId])));
    expect(h.sandbox.payments.payments.get(paymentId)?.status).toBe("Captured");
    expect((await h.store.getOrder(orderId))?.status).toBe("needs_review");
    // Hooks hear of what committed, from the outbox.
    await h.outbox.worker.drain();
    const before = h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type);
    expect(before).toEqual(["needs_review"]);

    const released = await releaseReview(h.deps, orderId, "ops@test");
    expect(released).toMatchObject({ status: 200, body: { status: "captured" } });
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
    await h.outbox.worker.drain();
    expect(h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type)).toEqual([
      "needs_review",
      "released",
    ]);
    // The same approval delivered again after release is not a new review.
    await deliver(eventsOf(new Set([paymentId])));
    expect((await h.store.getOrder(orderId))?.status).toBe("captured");
    expect(await releaseReview(h.deps, orderId)).toMatchObject({ status: 409 });
  });

  it("ends a review with a void or refund from the operator", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(CARDS.flagged) });
    const { orderId, paymentId } = reply.body as { orderId: string; paymentId: string };
    await h.sandbox.idle();
    const mark = h.sandbox.webhooks.events.length;
    await deliver(eventsOf(new Set([paymentId])));
    expect(await requestOperatorAction(h.deps, orderId, "refund", { full: true })).toMatchObject({
      status: 202,
    });
    await h.sandbox.idle();
    await deliver(eventsOf(new Set([paymentId]), mark));
    expect((await h.store.getOrder(orderId))?.status).toBe("refunded");
  });
});
