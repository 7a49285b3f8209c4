import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleEventFor } from "../test-support/events.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { signTestWebhook } from "./verify.js";
import { WebhookWorker } from "./worker.js";

/**
 * Foreign events end: a Checkout.com account shared with a point of sale sends payment events
 * Handoff never made. Each is retried for a bounded time and number of tries, then kept as
 * `unmatched`: visible, replayable, never tried again, never in front of fresh events.
 */
let h: WebhookHarness;
let clock = Date.now();
let worker: WebhookWorker;
beforeAll(async () => {
  // The harness's own worker stays off: this one runs on a clock the test moves.
  h = await startWebhookHarness({ startWorker: false });
  worker = new WebhookWorker(
    h.webhooks.inbox,
    { ...h.deps, now: () => new Date(clock) },
    { baseBackoffMs: 1000, maxBackoffMs: 5 * 60_000, unmatchedAfterAttempts: 3, unmatchedAfterMs: 3_600_000 },
  );
});
afterAll(() => h.close());

/** A signed payment event about a payment no order of ours made, received now. */
async function foreign(): Promise<string> {
  const event = sampleEventFor("payment_approved", { reference: "POS-till-7" });
  const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
  expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);
  // The test's clock never runs behind the moment it was received.
  clock = Math.max(clock, Date.now() + 1000);
  return event.id;
}

const minutes = (n: number) => n * 60_000;

describe("an event no order of ours matches", () => {
  it("is parked for a bounded time and tries, then unmatched: kept, shown, tried no more, replayable", async () => {
    const id = await foreign();
    const start = clock;
    const statusAt = async (ms: number) => {
      clock = start + ms;
      await worker.drain();
      return h.webhooks.inbox.get(id);
    };
    expect(await statusAt(0)).toMatchObject({ status: "parked", attempts: 1 });
    expect(await statusAt(minutes(10))).toMatchObject({ status: "parked", attempts: 2 });
    // Tried often enough, but not for long enough yet.
    expect(await statusAt(minutes(20))).toMatchObject({ status: "parked", attempts: 3 });
    const ended = await statusAt(minutes(90));
    expect(ended).toMatchObject({ status: "unmatched", attempts: 4 });
    expect(ended?.outcome).toMatch(/^unmatched after 4 tries: no attempt matches pay_/);
    // Never tried again, however long it waits.
    expect(await statusAt(minutes(60 * 24 * 7))).toMatchObject({ status: "unmatched", attempts: 4 });
    // Listed under its own status for the ops inbox.
    expect((await h.webhooks.inbox.list({ status: "unmatched", limit: 10 })).map((e) => e.id)).toContain(id);
    // An operator replays it: processed again from the start (parked, since still nothing matches).
    expect(await h.webhooks.reprocess(id)).toBe(true);
    expect(await statusAt(minutes(60 * 24 * 7 + 1))).toMatchObject({ status: "parked", attempts: 1 });
  });

  it("never stands in front of a fresh event, however many are due", async () => {
    const parked: string[] = [];
    for (let i = 0; i < 5; i++) parked.push(await foreign());
    // Parked on the real clock with a 1 ms backoff: each is due again before the fresh one arrives.
    const now = new WebhookWorker(h.webhooks.inbox, h.deps, { baseBackoffMs: 1 });
    await now.drain();
    for (const id of parked) expect(await h.webhooks.inbox.get(id)).toMatchObject({ status: "parked" });
    const dueBefore = Math.max(
      ...(await Promise.all(
        parked.map(async (id) => Date.parse((await h.webhooks.inbox.get(id))?.nextAttemptAt ?? "")),
      )),
    );
    while (Date.now() <= dueBefore) await new Promise((r) => setTimeout(r, 2));
    const fresh = await foreign();
    expect(Date.parse((await h.webhooks.inbox.get(fresh))?.nextAttemptAt ?? "")).toBeGreaterThan(dueBefore);
    // Every parked one is due too, and sooner: the fresh one is still taken first.
    const later = new Date(clock + minutes(30)).toISOString();
    const first = await h.webhooks.inbox.claim("ordering-check", later, later, 1);
    expect(first.map((e) => e.id)).toEqual([fresh]);
    await h.webhooks.inbox.releaseClaims("ordering-check", new Date(clock).toISOString());
  });
});
