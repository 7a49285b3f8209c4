import { parseChaos } from "@handoff/sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleEventFor } from "../test-support/events.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { signTestWebhook } from "./verify.js";
import { WebhookWorker } from "./worker.js";

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  h.sandbox.setChaos(parseChaos(""));
  h.sandbox.webhookUrls = [h.url];
});

async function pay(card = "4242424242424242") {
  const cartId = await h.cart();
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(card) });
  return { cartId, reply, body: reply.body as { orderId: string; paymentId: string; redirectUrl: string } };
}

const statusOf = async (orderId: string) => (await h.store.getOrder(orderId))?.status;
const emittedFor = (orderId: string) => h.emitted.filter((e) => e.orderId === orderId).map((e) => e.type);
const webhookKinds = async (orderId: string) =>
  (await h.store.timeline(orderId)).filter((e) => e.kind === "webhook").map((e) => e.detail.type);

describe("webhooks from the sandbox", () => {
  it("turn a paid order captured, announcing each transition once", async () => {
    const { body } = await pay();
    await h.waitUntilQuiet();
    expect(await statusOf(body.orderId)).toBe("captured");
    expect(emittedFor(body.orderId)).toEqual(["paid", "captured"]);
    expect(await webhookKinds(body.orderId)).toEqual(["payment_approved", "payment_captured"]);
    const inbox = await h.webhooks.inbox.list({ orderId: body.orderId, limit: 10 });
    expect(inbox.map((e) => e.status)).toEqual(["processed", "processed"]);
  });

  it("change nothing when delivered twice", async () => {
    h.sandbox.setChaos(parseChaos("duplicate=1"), 5);
    const { body } = await pay();
    await h.waitUntilQuiet();
    const attempts = h.sandbox.webhooks.attempts.filter((a) => a.chaos === "duplicate");
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(await webhookKinds(body.orderId)).toEqual(["payment_approved", "payment_captured"]);
    expect(emittedFor(body.orderId)).toEqual(["paid", "captured"]);
  });

  it("keep captured when payment_captured arrives before payment_approved", async () => {
    h.sandbox.setChaos(parseChaos("reorder=1"), 5);
    const { body } = await pay();
    await h.waitUntilQuiet();
    expect(await statusOf(body.orderId)).toBe("captured");
    const ours = new Set(
      (await h.webhooks.inbox.list({ orderId: body.orderId, limit: 10 })).map((e) => e.id),
    );
    const delivered = h.sandbox.webhooks.attempts.filter((a) => ours.has(a.eventId)).map((a) => a.eventType);
    expect(delivered).toEqual(["payment_captured", "payment_approved"]);
    // Both arrive within a millisecond or two, so either may be processed first: whichever order,
    // the approval never takes a captured order back to authorized.
    const changes = (await h.store.timeline(body.orderId)).filter((e) => e.kind === "status_changed");
    expect(changes.at(-1)?.detail).toMatchObject({ to: "captured" });
    const ignored = (await h.store.timeline(body.orderId)).filter((e) => e.kind === "signal_ignored");
    if ((await webhookKinds(body.orderId))[0] === "payment_captured") {
      expect(ignored.at(-1)?.detail).toMatchObject({
        signal: "authorized",
        reason: "authorized would move captured backward",
      });
    }
  });

  it("are applied when they beat the confirm response, and the shopper still gets their answer", async () => {
    h.sandbox.addFault({ route: "payments", delayMs: 400 });
    const confirming = pay();
    // The approval webhook is delivered and processed while confirm is still waiting for Checkout.com.
    await new Promise((resolve) => setTimeout(resolve, 250));
    await h.webhooks.worker.drain();
    const { reply, body } = await confirming;
    expect(reply.status).toBe(200);
    await h.waitUntilQuiet();
    expect(await statusOf(body.orderId)).toBe("captured");
    expect(emittedFor(body.orderId)).toEqual(["paid", "captured"]);
  });

  it("survive the worker dying: whatever was stored is processed on the next start", async () => {
    await h.webhooks.worker.stop();
    const orders = [await pay(), await pay(), await pay()].map((p) => p.body.orderId);
    await h.sandbox.idle();
    for (const id of orders) expect(await statusOf(id)).toBe("authorized");
    const restarted = new WebhookWorker(h.webhooks.inbox, h.deps, { pollMs: 50 });
    await restarted.drain();
    for (const id of orders) expect(await statusOf(id)).toBe("captured");
    h.webhooks.worker.start();
  });

  it("attach disputes to the order without moving its status", async () => {
    const { body } = await pay();
    await h.waitUntilQuiet();
    await fetch(`${h.sandbox.url}/_sandbox/trigger`, {
      method: "POST",
      body: JSON.stringify({ type: "dispute_received", payment: body.paymentId }),
    });
    await h.waitUntilQuiet();
    expect(await statusOf(body.orderId)).toBe("captured");
    const dispute = (await h.store.timeline(body.orderId)).find((e) => e.kind === "dispute");
    expect(dispute?.detail).toMatchObject({ type: "dispute_received", reasonCode: "10.4" });
    expect(emittedFor(body.orderId)).toContain("disputed");
  });

  it("park an event whose attempt does not exist yet, and apply it once it does", async () => {
    const token = await h.token();
    const cartId = await h.cart();
    await h.handoff.session({ cartId });
    const order = await h.store.findOrderByCart(cartId);
    const event = sampleEventFor("payment_approved", {
      metadata: { AccelerateToken: token },
      amount: order?.amount,
      currency: order?.currency,
    });
    const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
    expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);
    await h.webhooks.worker.drain();
    expect(await h.webhooks.inbox.get(event.id)).toMatchObject({ status: "parked" });

    // The attempt appears (as if written by another instance that had not committed yet).
    const now = new Date().toISOString();
    const attempt = {
      id: "att_parkedparkedparkedparkedpa",
      orderId: order?.id ?? "",
      processorToken: token,
      idempotencyKey: "k",
      amount: order?.amount ?? 0,
      currency: order?.currency ?? "GBP",
      status: "processing" as const,
      riskFlagged: false,
      createdAt: now,
      updatedAt: now,
    };
    await h.store.transaction((tx) => tx.insertAttempt(attempt));
    await new Promise((resolve) => setTimeout(resolve, 60));
    await h.webhooks.worker.drain();
    expect(await h.webhooks.inbox.get(event.id)).toMatchObject({ status: "processed" });
    expect(await statusOf(order?.id ?? "")).toBe("authorized");
  });
});

describe("the reconciliation sweep", () => {
  it("recovers a 3-D Secure payment whose shopper never came back and whose webhook was missed", async () => {
    h.sandbox.webhookUrls = [];
    const { reply, body } = await pay("4010061700000021");
    expect(reply.status).toBe(202);
    await fetch(body.redirectUrl, { method: "POST", body: "password=Checkout1%21", redirect: "manual" });
    expect(await statusOf(body.orderId)).toBe("requires_action");
    const swept = await h.webhooks.reconcile(0);
    expect(swept.changed).toBeGreaterThanOrEqual(1);
    // Paid, as the sweep found it: authorized, or already captured when auto-capture came first.
    const status = await statusOf(body.orderId);
    expect(["authorized", "captured"]).toContain(status);
    const timeline = await h.store.timeline(body.orderId);
    expect(timeline.at(-1)?.detail).toMatchObject({ source: "reconciliation", to: status });
  });

  it("recovers a capture whose webhook never came: the order stops saying 'not captured yet'", async () => {
    h.sandbox.webhookUrls = [];
    const { reply, body } = await pay();
    expect(reply.status).toBe(200);
    // Confirm heard "approved"; Checkout.com captured it afterwards, and that news was lost.
    expect(await statusOf(body.orderId)).toBe("authorized");
    await h.sandbox.idle();
    expect(h.sandbox.payments.payments.get(body.paymentId)?.status).toBe("Captured");
    await h.webhooks.reconcile(0);
    expect(await statusOf(body.orderId)).toBe("captured");
    const timeline = await h.store.timeline(body.orderId);
    expect(timeline.at(-1)?.detail).toMatchObject({ source: "reconciliation", to: "captured" });
    expect(await h.chargesFor(body.orderId)).toBe(1);
  });

  it("finds a charge whose answer never came back, by reference, and frees orders never charged", async () => {
    h.sandbox.webhookUrls = [];
    h.sandbox.addFault({ route: "payments", drop: true, count: 3 });
    const charged = await pay();
    expect(charged.reply.status).toBe(503);
    h.sandbox.addFault({ route: "payments", status: 502, count: 3 });
    const never = await pay();
    expect(never.reply.status).toBe(503);

    await h.sandbox.idle();
    // The sweep runs periodically; on a loaded machine one pass may find Checkout.com slow to answer.
    const latestOf = async (orderId: string) => (await h.store.attemptsOfOrder(orderId)).at(-1)?.status;
    for (let pass = 0; pass < 5; pass++) {
      await h.webhooks.reconcile(0);
      if (
        (await latestOf(never.body.orderId)) === "failed" &&
        (await statusOf(charged.body.orderId)) === "captured"
      )
        break;
    }
    expect(await latestOf(never.body.orderId)).toBe("failed");
    // Checkout.com has it captured by now (auto-capture): the sweep applies what it says.
    expect(await statusOf(charged.body.orderId)).toBe("captured");
    expect(await h.chargesFor(charged.body.orderId)).toBe(1);
    expect(await statusOf(never.body.orderId)).toBe("pending");
    // The order that was never charged takes a new card again.
    const retry = await h.handoff.confirm({ cartId: never.cartId, processorToken: await h.token() });
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
  });
});

describe("any interleaving and duplication of one payment's events", () => {
  it("ends in the same final state", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 }), async (seed) => {
        h.sandbox.webhookUrls = [];
        const { body } = await pay();
        await h.sandbox.idle();
        h.sandbox.payments.requestAction(body.paymentId, "refund", { amount: 1000 });
        h.sandbox.payments.requestAction(body.paymentId, "refund", {});
        const bodies = h.sandbox.webhooks.events
          .filter((e) => e.subject === body.paymentId)
          .map((e) => e.body);
        expect(bodies).toHaveLength(4);
        // A seeded shuffle with duplicates: what "at least once, in any order" can look like.
        const rng = fc.sample(fc.shuffledSubarray([...bodies, ...bodies], { minLength: bodies.length * 2 }), {
          seed,
          numRuns: 1,
        })[0] ?? [...bodies];
        for (const raw of rng) {
          const signed = signTestWebhook(raw, h.sandbox.keys.signatureKey);
          const response = await fetch(h.url, { method: "POST", body: signed.body, headers: signed.headers });
          expect(response.status).toBe(200);
        }
        await h.webhooks.worker.drain();
        expect(await statusOf(body.orderId)).toBe("refunded");
        expect(emittedFor(body.orderId).filter((t) => t === "refunded").length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 15 },
    );
  });
});
