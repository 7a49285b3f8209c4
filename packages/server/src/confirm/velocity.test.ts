import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open.js";
import type { SqlClient } from "../db/sql-client.js";
import { createHandoff, type Handoff } from "../handoff.js";
import { SqlInventory } from "../inventory/sql-inventory.js";
import { SqlOrderStore } from "../store/sql-store.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { ConfirmVelocity, MemoryHitCounter, SqlHitCounter } from "./velocity.js";

const LIMITS = { perCart: 5, perClient: 3, windowMs: 600_000 };
const T0 = Date.parse("2030-01-01T00:00:00Z");

/** Runs on SQLite and, in the `postgres` project, on PostgreSQL: a second connection is a second instance. */
let h: Harness;
let other: SqlClient;
beforeAll(async () => {
  h = await startHarness();
  other = await openDatabase(h.databaseUrl);
});
afterAll(async () => {
  await other.close();
  await h.close();
});

async function blockedSequence(velocity: ConfirmVelocity[], client: string, n: number, at = T0) {
  const answers: boolean[] = [];
  for (let i = 0; i < n; i++)
    answers.push(await velocity[i % velocity.length]!.clientBlocked(client, at + i));
  return answers;
}

describe("the per-client confirm limit", () => {
  it("in memory: counts each client apart, and forgets hits older than the window", async () => {
    const velocity = new ConfirmVelocity(LIMITS);
    expect(await blockedSequence([velocity], "198.51.100.1", 5)).toEqual([false, false, false, true, true]);
    expect(await velocity.clientBlocked("198.51.100.2", T0 + 10)).toBe(false);
    expect(await velocity.clientBlocked(undefined, T0 + 10)).toBe(false);
    expect(await velocity.clientBlocked("198.51.100.1", T0 + LIMITS.windowMs + 10)).toBe(false);
  });

  it("in the database: two instances share one budget per client, not one each", async () => {
    const a = new ConfirmVelocity(LIMITS, { db: h.db });
    const b = new ConfirmVelocity(LIMITS, { db: other });
    // Alternating instances, as a load balancer spreads one shopper's requests.
    expect(await blockedSequence([a, b], "198.51.100.1", 5)).toEqual([false, false, false, true, true]);
    // Another shopper has their own budget, on either instance.
    expect(await blockedSequence([b, a], "198.51.100.2", 3)).toEqual([false, false, false]);
    // The window slides: once it has passed, the first shopper may pay again.
    expect(await b.clientBlocked("198.51.100.1", T0 + LIMITS.windowMs + 60_000)).toBe(false);
  });

  it("in the database: concurrent confirms from both instances never pass the limit together", async () => {
    const a = new SqlHitCounter(h.db, "test_concurrent", LIMITS.windowMs);
    const b = new SqlHitCounter(other, "test_concurrent", LIMITS.windowMs);
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit("203.0.113.9", T0 + i)),
    );
    // Every hit is counted once: the last one to land sees all 40.
    expect(Math.max(...counts)).toBe(40);
    // Each sees at least its own place in line, so at most 20 see 20 or fewer.
    expect(counts.filter((n) => n <= 20).length).toBeLessThanOrEqual(20);
  });

  it("in the database: a window passes in steps of 1/60 of it, and old rows are deleted", async () => {
    const counter = new SqlHitCounter(h.db, "test_window", 60_000);
    const at = T0 + 123; // mid-bucket
    expect(await counter.hit("x", at)).toBe(1);
    expect(await counter.hit("x", at + 30_000)).toBe(2);
    // 59 s after the first bucket began: both still count.
    expect(await counter.hit("x", T0 + 59_999)).toBe(3);
    // The first bucket has left the window: its hit no longer counts.
    expect(await counter.hit("x", T0 + 60_000)).toBe(3);
    // Long after: every old row is gone, this hit is alone.
    expect(await counter.hit("x", T0 + 10 * 60_000)).toBe(1);
    const rows = await h.db.execute("SELECT COUNT(*) AS n FROM rate_limit_hits WHERE scope = 'test_window'");
    expect(Number(rows.rows[0]?.n)).toBe(1);
  });

  it("the memory counter is exact", async () => {
    const counter = new MemoryHitCounter(1000);
    expect(await counter.hit("x", 0)).toBe(1);
    expect(await counter.hit("x", 1000)).toBe(2);
    expect(await counter.hit("x", 1001)).toBe(2);
  });
});

describe("confirm on two instances over one database", () => {
  let second: Handoff;
  let first: Handoff;
  beforeAll(() => {
    first = createHandoff({ ...h.deps, velocity: new ConfirmVelocity(LIMITS, { db: h.db }) });
    second = createHandoff({
      ...h.deps,
      store: new SqlOrderStore(other),
      inventory: new SqlInventory(other),
      velocity: new ConfirmVelocity(LIMITS, { db: other }),
    });
  });

  it("allows a shopper `perClient` confirms in all, wherever the load balancer sends them", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const cartId = await h.cart();
      const reply = await (i % 2 ? second : first).confirm(
        { cartId, processorToken: await h.token() },
        { client: "192.0.2.44" },
      );
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Someone else, at the same moment, on the instance that just refused: still pays.
    const cartId = await h.cart();
    const reply = await second.confirm({ cartId, processorToken: await h.token() }, { client: "192.0.2.45" });
    expect(reply.status).toBe(200);
  });
});
