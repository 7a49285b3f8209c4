import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../test-support/receiver.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { destinationInputSchema, toDestination } from "./destinations.js";
import { newDestinationSecret } from "./sign.js";

/**
 * Order events to the merchant's systems: committed with the change (outbox), delivered per the
 * Standard Webhooks specification to a local receiver, checked with the official verifier.
 */
let h: WebhookHarness;
const SCHEDULE = [40, 40, 40, 40, 40, 40, 40, 40];
const receivers: Receiver[] = [];
beforeAll(async () => {
  h = await startWebhookHarness({
    // More retries than the flaky receiver below has failures, so none of its events can run out.
    outbox: { pollMs: 20, retryScheduleMs: SCHEDULE, timeoutMs: 2000, pauseAfterFailingMs: 1500 },
  });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  await h.close();
});

const CARDS = {
  approved: "4242424242424242",
  insufficient: "4544249167673670",
  stolen: "4539253655711767",
};

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** A destination from this test on: everything before it is handed on first. */
async function destination(id: string, url: string, input: Record<string, unknown> = {}) {
  await h.waitUntilQuiet();
  const secret = (input.secret as string | string[] | undefined) ?? newDestinationSecret();
  const parsed = destinationInputSchema.parse({ id, url, secret, events: ["order.*"], ...input });
  await h.outbox.store.saveDestination(toDestination(parsed, "ops"), new Date().toISOString());
  return { secret: Array.isArray(secret) ? (secret[0] as string) : secret };
}

async function pay(card = CARDS.approved, items = [{ sku: "mug", quantity: 1 }]): Promise<string> {
  const cartId = await h.cart(items);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(card) });
  return (reply.body as { orderId: string }).orderId;
}

/** Waits until no delivery to `id` is waiting (or the time is up). */
async function delivered(id: string, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    await h.waitUntilQuiet();
    const waiting = await h.outbox.store.deliveries({ destinationId: id, status: "pending", limit: 1 });
    if (waiting.length === 0 || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 30));
  }
}

const payloadOf = (r: { body: string }) =>
  JSON.parse(r.body) as { type: string; timestamp: string; data: Record<string, unknown> };

describe("destinations", () => {
  it("get every order event signed so the official Standard Webhooks verifier accepts it", async () => {
    const r = await receiver();
    const { secret } = await destination("verified", r.url);
    const orderId = await pay();
    await delivered("verified");
    const ours = r.received.filter((x) => payloadOf(x).data.orderId === orderId);
    expect(ours.map((x) => payloadOf(x).type)).toEqual(["order.paid", "order.captured"]);
    const verifier = new Webhook(secret);
    for (const request of ours) {
      const verified = verifier.verify(request.body, request.headers as Record<string, string>) as {
        type: string;
        data: Record<string, unknown>;
      };
      expect(verified.data).toMatchObject({ orderId, reference: orderId, amount: 1450, currency: "GBP" });
      expect(verified.data.paymentId).toMatch(/^pay_/);
      expect(request.headers["webhook-id"]).toMatch(/^msg_/);
    }
    expect(new Set(ours.map((x) => x.headers["webhook-id"])).size).toBe(2);
    // A signature made with another secret is refused by the same verifier.
    expect(() =>
      new Webhook(newDestinationSecret()).verify(
        ours[0]?.body ?? "",
        ours[0]?.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it("that fail and recover get every event exactly once per webhook-id, in order per order", async () => {
    const r = await receiver();
    r.respond = (_req, i) => (i < 7 ? 500 : 204);
    await destination("flaky", r.url);
    const orders = [await pay(), await pay(), await pay(CARDS.insufficient), await pay()];
    await delivered("flaky");
    const ok = r.received.filter((x) => x.status < 300);
    const perId = new Map<string, number>();
    for (const x of ok)
      perId.set(String(x.headers["webhook-id"]), (perId.get(String(x.headers["webhook-id"])) ?? 0) + 1);
    expect([...perId.values()].every((n) => n === 1)).toBe(true);
    expect(r.received.some((x) => x.status === 500)).toBe(true);
    for (const orderId of orders) {
      const seen = ok.filter((x) => payloadOf(x).data.orderId === orderId).map((x) => payloadOf(x).type);
      expect(seen).toEqual(orderId === orders[2] ? ["order.declined"] : ["order.paid", "order.captured"]);
      // Nothing of an order was even tried before the event before it was delivered.
      const tried = r.received
        .filter((x) => payloadOf(x).data.orderId === orderId)
        .map((x) => payloadOf(x).type);
      expect(tried.indexOf("order.captured")).toBeGreaterThanOrEqual(tried.lastIndexOf("order.paid"));
    }
    const attempts = await h.outbox.store.attempts("flaky", 100);
    expect(attempts.filter((a) => a.statusCode === 500)).toHaveLength(7);
    expect(attempts[0]).toMatchObject({ statusCode: 204 });
  });

  it("down for good end in the dead letters, and a replay delivers them with the same webhook-id", async () => {
    const r = await receiver();
    r.respond = () => 503;
    await destination("down", r.url, { events: ["order.paid"] });
    const orderId = await pay();
    await delivered("down");
    const dead = await h.outbox.store.deliveries({ destinationId: "down", status: "dead", limit: 10 });
    expect(dead).toHaveLength(1);
    // The first try and one per retry of the schedule, then the dead letter.
    expect(dead[0]).toMatchObject({
      attempts: SCHEDULE.length + 1,
      lastStatus: 503,
      event: { type: "order.paid" },
    });
    expect(r.received).toHaveLength(SCHEDULE.length + 1);

    r.respond = () => 200;
    expect(await h.outbox.store.redeliver("down", dead[0]?.eventId ?? "", new Date().toISOString())).toBe(
      true,
    );
    h.outbox.worker.wake();
    await delivered("down");
    const last = r.received.at(-1);
    expect(last?.status).toBe(200);
    expect(last?.headers["webhook-id"]).toBe(dead[0]?.eventId);
    expect(payloadOf(last ?? { body: "{}" }).data.orderId).toBe(orderId);
    expect(
      await h.outbox.store.deliveries({ destinationId: "down", status: "dead", limit: 10 }),
    ).toHaveLength(0);
  });

  it("take only the events their filter and conditions select", async () => {
    const r = await receiver();
    await destination("declines", r.url, {
      events: ["order.declined"],
      when: { declineCategory: ["insufficient_funds"] },
    });
    await destination("yen", r.url, { events: ["order.paid"], when: { currency: ["JPY"] } });
    await destination("big", r.url, { events: ["order.paid"], when: { amountAtLeast: 5000 } });
    const small = await pay();
    const yen = await pay(CARDS.approved, [{ sku: "yen-tea", quantity: 1 }]);
    const big = await pay(CARDS.approved, [{ sku: "poster", quantity: 3 }]);
    const broke = await pay(CARDS.insufficient);
    const stolen = await pay(CARDS.stolen);
    for (const id of ["declines", "yen", "big"]) await delivered(id);
    const got = r.received.map((x) => ({ type: payloadOf(x).type, orderId: payloadOf(x).data.orderId }));
    expect(got).toHaveLength(3);
    expect(got).toContainEqual({ type: "order.declined", orderId: broke });
    expect(got).toContainEqual({ type: "order.paid", orderId: yen });
    expect(got).toContainEqual({ type: "order.paid", orderId: big });
    expect(got.map((g) => g.orderId)).not.toContain(small);
    expect(got.map((g) => g.orderId)).not.toContain(stolen);
    const declined = r.received.find((x) => payloadOf(x).type === "order.declined");
    expect(payloadOf(declined ?? { body: "{}" }).data.decline).toEqual({
      category: "insufficient_funds",
      responseCode: "20051",
    });
  });

  it("sign with both secrets during a rotation, so either verifies", async () => {
    const r = await receiver();
    const [next, previous] = [newDestinationSecret(), newDestinationSecret()];
    await destination("rotating", r.url, { secret: [next, previous], events: ["order.paid"] });
    await pay();
    await delivered("rotating");
    const request = r.received[0];
    expect(String(request?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [next, previous]) {
      expect(() =>
        new Webhook(secret).verify(request?.body ?? "", request?.headers as Record<string, string>),
      ).not.toThrow();
    }
  });

  it("can take Checkout.com's own verified events, as stored", async () => {
    const r = await receiver();
    await destination("raw", r.url, { events: ["checkout.payment_captured"] });
    const orderId = await pay();
    await delivered("raw");
    expect(r.received).toHaveLength(1);
    const body = payloadOf(r.received[0] ?? { body: "{}" });
    expect(body.type).toBe("checkout.payment_captured");
    expect((body.data as { type?: string; data?: { reference?: string } }).data?.reference).toBe(orderId);
  });

  it("failing for long are paused and shown so, and resume where they stopped", async () => {
    const r = await receiver();
    r.respond = () => 500;
    await destination("sick", r.url, { events: ["order.paid"] });
    // Failing for longer than pauseAfterFailingMs (1.5 s here).
    for (let i = 0; i < 5; i++) {
      await pay();
      await h.waitUntilQuiet();
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    await h.waitUntilQuiet();
    const sick = await h.outbox.store.destination("sick");
    expect(sick).toMatchObject({ enabled: false });
    expect(sick?.pausedReason).toMatch(/paused automatically/);
    const waiting = (await h.outbox.store.deliveries({ destinationId: "sick", status: "pending", limit: 10 }))
      .length;
    expect(waiting).toBeGreaterThan(0);

    r.respond = () => 204;
    await h.outbox.store.setEnabled("sick", true, undefined, new Date().toISOString());
    await delivered("sick");
    expect(
      await h.outbox.store.deliveries({ destinationId: "sick", status: "pending", limit: 10 }),
    ).toHaveLength(0);
  });

  it("replay a time range to a destination", async () => {
    const r = await receiver();
    const from = new Date(Date.now() - 1).toISOString();
    const orderId = await pay();
    await h.waitUntilQuiet();
    const to = new Date(Date.now() + 1000).toISOString();
    await destination("late", r.url, { events: ["order.paid"] });
    expect(r.received).toHaveLength(0);
    const late = await h.outbox.store.destination("late");
    const count = await h.outbox.store.replayRange(
      late as NonNullable<typeof late>,
      from,
      to,
      new Date().toISOString(),
    );
    expect(count).toBeGreaterThanOrEqual(1);
    h.outbox.worker.wake();
    await delivered("late");
    expect(r.received.map((x) => payloadOf(x).data.orderId)).toContain(orderId);
  });
});
