import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../test-support/receiver.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { destinationInputSchema, toDestination } from "./destinations.js";
import { newDestinationSecret } from "./sign.js";

/**
 * Each destination in its own lane: one that accepts connections and never answers holds only its
 * own deliveries; new events still reach the hooks and every other destination at once.
 */
let h: WebhookHarness;
const receivers: Receiver[] = [];
const paidEarlier: string[] = [];
// Far longer than the test: the hanging deliveries are all still waiting for an answer when it ends.
const TIMEOUT_MS = 60_000;
beforeAll(async () => {
  h = await startWebhookHarness({ outbox: { pollMs: 20, timeoutMs: TIMEOUT_MS } });
});
afterAll(async () => {
  // Their connections close first, so the hanging deliveries end and the worker stops at once.
  for (const r of receivers) await r.close();
  await h.close();
});

async function destination(id: string, url: string) {
  const parsed = destinationInputSchema.parse({
    id,
    url,
    secret: newDestinationSecret(),
    events: ["order.*"],
  });
  await h.outbox.store.saveDestination(toDestination(parsed, "ops"), new Date().toISOString());
}

async function pay(): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  return (reply.body as { orderId: string }).orderId;
}

/** Resolves once `check` holds, looking every 20 ms; fails after `withinMs` saying what was awaited. */
async function until(what: string, check: () => boolean | Promise<boolean>, withinMs = 15_000) {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a destination that accepts and never answers", () => {
  it("delays no other destination and no hook, and no other instance takes its deliveries over", async () => {
    // Paid before the destinations exist: these are replayed to the hanging one below.
    const earlier: string[] = [];
    for (let i = 0; i < 10; i++) earlier.push(await pay());
    await h.waitUntilQuiet();

    const hanging = await startReceiver();
    receivers.push(hanging);
    const held = new Set<string>();
    hanging.respond = (request) => {
      held.add(String(request.headers["webhook-id"]));
      return 0;
    };
    const healthy = await startReceiver();
    receivers.push(healthy);
    await destination("hanging", hanging.url);
    await destination("healthy", healthy.url);

    const events = (await Promise.all(earlier.map((id) => h.outbox.store.eventsOfOrder(id)))).flat();
    const paid = events.filter((e) => e.type === "order.paid");
    expect(paid).toHaveLength(10);
    paidEarlier.push(...paid.map((e) => e.id));
    const now = new Date().toISOString();
    for (const e of paid) expect(await h.outbox.store.replayOne("hanging", e.id, now)).toBe("queued");
    h.outbox.worker.wake();
    // The hanging destination's lane is full of deliveries waiting for an answer.
    await until("the hanging destination to hold its lane", () => held.size === 8);

    const next = await pay();
    await until("order.paid at the healthy destination", () =>
      healthy.received.some((x) => {
        const body = JSON.parse(x.body) as { type: string; data: { orderId: string } };
        return body.type === "order.paid" && body.data.orderId === next;
      }),
    );
    // In-process hooks (fulfilment) heard of it too.
    expect(h.emitted.some((e) => e.type === "paid" && e.orderId === next)).toBe(true);
    // All before a single hanging delivery ended: none has timed out, none has been recorded.
    expect(await h.outbox.store.attempts("hanging", 100)).toHaveLength(0);
    expect(hanging.received).toHaveLength(0);
    // Its deliveries stay claimed while under way: another instance polling now may take what its
    // lane had no room for, never one of the eight in flight.
    const later = new Date(Date.now() + 1000).toISOString();
    const other = await h.outbox.store.claimDeliveries(
      "another-instance",
      new Date().toISOString(),
      later,
      100,
    );
    const taken = other.filter((d) => d.destinationId === "hanging").map((d) => d.eventId);
    expect(taken.length).toBeGreaterThan(0);
    expect(taken.filter((id) => held.has(id))).toEqual([]);
    expect(held.size).toBe(8);
  });
});

describe("claims", () => {
  it("renewed while a delivery is under way are not taken over by another instance after the first lease", async () => {
    const r = await startReceiver();
    receivers.push(r);
    await destination("renewed", r.url);
    const eventId = paidEarlier[0] ?? "";
    // An hour ahead on the clock these claims use: the running worker never finds it due.
    const t0 = Date.now() + 3_600_000;
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    expect(await h.outbox.store.replayOne("renewed", eventId, at(0))).toBe("queued");
    const mine = await h.outbox.store.claimDeliveries("instance-a", at(0), at(1000), 100);
    const held = mine.filter((d) => d.eventId === eventId && d.destinationId === "renewed");
    expect(held).toHaveLength(1);
    // Instance A is still sending at 900 ms and renews its claim.
    await h.outbox.store.renewClaims("instance-a", at(2000), held);
    // At 1500 ms, past the first lease, instance B finds nothing of A's to take.
    const b = await h.outbox.store.claimDeliveries("instance-b", at(1500), at(2500), 100);
    expect(b.filter((d) => d.eventId === eventId && d.destinationId === "renewed")).toHaveLength(0);
    // Once A stops renewing (it died), the lease lapses and B takes it.
    const c = await h.outbox.store.claimDeliveries("instance-b", at(2100), at(3100), 100);
    expect(c.filter((d) => d.eventId === eventId && d.destinationId === "renewed")).toHaveLength(1);
  });
});
