import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open.js";
import { handleFor, type SqlClient, type TransactionHandle } from "../db/sql-client.js";
import { createHandoff, type Handoff } from "../handoff.js";
import { SqlInventory } from "../inventory/sql-inventory.js";
import { SqlOrderStore } from "../store/sql-store.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { freshPostgresDatabase, testEngine } from "../test-support/postgres.js";
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

  it("counted inside a transaction: one that rolls back is counted again, once, and in memory never twice", async () => {
    // The confirm's transaction counts the try; it rolls back (out of stock, a conflict); the try is counted again.
    const tryThenRollBack = async (velocity: ConfirmVelocity, client: string) => {
      let within: TransactionHandle | undefined;
      const counted = h.db.transaction(async (tx) => {
        within = handleFor(tx, h.db);
        expect(await velocity.clientBlocked(client, T0, within)).toBe(false);
        throw new Error("the transaction failed");
      });
      await expect(counted).rejects.toThrow("the transaction failed");
      await velocity.clientRolledBack(client, T0, within);
    };
    // In the store's database, in memory, and in a database of its own (counted there, on its own).
    const elsewhere = await openDatabase(
      testEngine() === "postgres" ? await freshPostgresDatabase() : `${h.databaseUrl}-velocity`,
    );
    const velocities = [
      new ConfirmVelocity(LIMITS, { db: h.db }),
      new ConfirmVelocity(LIMITS),
      new ConfirmVelocity(LIMITS, { db: elsewhere }),
    ];
    for (const [i, velocity] of velocities.entries()) {
      const client = `198.51.100.6${i}`;
      await tryThenRollBack(velocity, client);
      // Two more of the three, then refused: the failed try counted exactly once.
      expect(await blockedSequence([velocity], client, 3, T0 + 1)).toEqual([false, false, true]);
    }
    await elsewhere.close();
  });

  it("in the database: hits in concurrent transactions on both instances are each counted, in turn", async () => {
    const a = new SqlHitCounter(h.db, "test_concurrent_tx", LIMITS.windowMs);
    const b = new SqlHitCounter(other, "test_concurrent_tx", LIMITS.windowMs);
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? h.db : other).transaction((tx) =>
          (i % 2 ? a : b).hit("203.0.113.10", T0 + i, handleFor(tx, i % 2 ? h.db : other)),
        ),
      ),
    );
    // The bucket's row is held until each transaction commits: every hit sees all those before it.
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it("in the database: concurrent hits on either side of a bucket's edge are each counted, in turn", async () => {
    const a = new SqlHitCounter(h.db, "test_concurrent_edge", LIMITS.windowMs);
    const b = new SqlHitCounter(other, "test_concurrent_edge", LIMITS.windowMs);
    const bucketMs = LIMITS.windowMs / 60;
    const edge = T0 - (T0 % bucketMs) + bucketMs;
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? h.db : other).transaction((tx) =>
          (i % 2 ? a : b).hit("203.0.113.11", edge - 20 + i, handleFor(tx, i % 2 ? h.db : other)),
        ),
      ),
    );
    // Half land in one bucket, half in the next: each still sees every hit committed before it.
    expect(counts.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
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
    // Refused before any charge: Checkout.com saw three payments from this shopper.
    expect(paymentsFrom(h, "192.0.2.44")).toBe(3);
    // Someone else, at the same moment, on the instance that just refused: still pays.
    const cartId = await h.cart();
    const reply = await second.confirm({ cartId, processorToken: await h.token() }, { client: "192.0.2.45" });
    expect(reply.status).toBe(200);
  });

  it("counts a confirm refused for want of stock: a card tester gets no free tries from failing ones", async () => {
    await h.inventory.upsertProducts([
      { sku: "velocity-last", name: "Last one", unitAmount: 500, currency: "GBP", stock: 1 },
    ]);
    const [late, early] = [
      await h.cart([{ sku: "velocity-last", quantity: 1 }]),
      await h.cart([{ sku: "velocity-last", quantity: 1 }]),
    ];
    expect(
      (await first.confirm({ cartId: early, processorToken: await h.token() }, { client: "192.0.2.50" }))
        .status,
    ).toBe(200);
    const statuses: number[] = [];
    const refused = await second.confirm(
      { cartId: late, processorToken: await h.token() },
      { client: "192.0.2.51" },
    );
    expect(refused.body).toMatchObject({ error: "OUT_OF_STOCK" });
    for (let i = 0; i < 3; i++) {
      const cartId = await h.cart();
      statuses.push(
        (
          await (i % 2 ? first : second).confirm(
            { cartId, processorToken: await h.token() },
            { client: "192.0.2.51" },
          )
        ).status,
      );
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("shares one budget between concurrent confirms on both instances: never more than the limit charged", async () => {
    const carts = await Promise.all(Array.from({ length: 6 }, () => h.cart()));
    const tokens = await Promise.all(carts.map(() => h.token()));
    const replies = await Promise.all(
      carts.map((cartId, i) =>
        (i % 2 ? second : first).confirm(
          { cartId, processorToken: tokens[i] ?? "" },
          { client: "192.0.2.52" },
        ),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    expect(paymentsFrom(h, "192.0.2.52")).toBe(3);
  });

  it("counts a return from an unfinished 3-D Secure once, and refuses one over the limit before asking Checkout.com", async () => {
    const client = { client: "192.0.2.53" };
    const [one, two] = [await h.cart(), await h.cart()];
    const challenged = async (cartId: string) => {
      const reply = await first.confirm({ cartId, processorToken: await h.token(CHALLENGE) }, client);
      expect(reply.status).toBe(202);
      return (reply.body as { orderId: string }).orderId;
    };
    await challenged(one);
    const waiting = await challenged(two);
    // Back at the checkout with another card: Checkout.com is asked about the challenge, then the card is charged.
    expect((await second.confirm({ cartId: one, processorToken: await h.token() }, client)).status).toBe(200);
    // The fourth try of three, on an order still waiting: refused, and Checkout.com is not asked about it.
    const callsBefore = (await h.store.timeline(waiting)).filter((e) => e.kind === "processor_call").length;
    const over = await first.confirm({ cartId: two, processorToken: await h.token() }, client);
    expect(over).toMatchObject({ status: 429, body: { error: "RATE_LIMITED" } });
    expect((await h.store.timeline(waiting)).filter((e) => e.kind === "processor_call")).toHaveLength(
      callsBefore,
    );
    expect((await h.store.attemptsOfOrder(waiting)).at(-1)?.status).toBe("requires_action");
  });
});

const CHALLENGE = "4010061700000021";

/** Payments Checkout.com (the sandbox) received from one client's address. */
function paymentsFrom(h: Harness, ip: string): number {
  return [...h.sandbox.payments.payments.values()].filter((p) => p.paymentIp === ip).length;
}

describe("a confirm refused 429 says when to come back (Retry-After)", () => {
  const SECOND = 1000;
  let clock = T0;
  /** Confirm on a clock the test moves, counting in memory or in the store's database. */
  const confirmAt = (velocity: ConfirmVelocity) => {
    const handoff = createHandoff({ ...h.deps, now: () => new Date(clock), velocity });
    return (at: number, cartId: string, processorToken: string, client?: string) => {
      clock = at;
      return handoff.confirm({ cartId, processorToken }, client ? { client } : {});
    };
  };
  /** A cart that does not exist: refused 404 once counted, at no charge. */
  const noCart = (n: number) => ({ cartId: `cart_missing_${n}`, token: `tok_${"a".repeat(25)}${n % 10}` });
  const retryAfterOf = (reply: { headers?: Record<string, string> }) =>
    Number(reply.headers?.["retry-after"]);

  it.each([
    ["in the database", () => new ConfirmVelocity(LIMITS, { db: h.db })],
    ["in memory", () => new ConfirmVelocity(LIMITS)],
  ])("per client, %s: the seconds until one more confirm passes, never fewer", async (where, make) => {
    const velocity = make();
    const [shopper, twin] = [`192.0.2.60-${where}`, `192.0.2.61-${where}`];
    const confirm = confirmAt(velocity);
    // Three tries a minute apart (the limit), then a fourth with a real cart: refused under the order's lock.
    for (const client of [shopper, twin])
      for (let i = 0; i < 3; i++) {
        const { cartId, token } = noCart(i);
        expect((await confirm(T0 + i * 60 * SECOND, cartId, token, client)).status).toBe(404);
      }
    const cartId = await h.cart();
    const at = T0 + 180 * SECOND;
    const refused = await confirm(at, cartId, await h.token(), shopper);
    expect(refused).toMatchObject({ status: 429, body: { error: "RATE_LIMITED", retryable: true } });
    const wait = retryAfterOf(refused);
    // Two of the four tries must leave the window: the second, a minute after the first, leaves at 10 min 1 min.
    expect(wait).toBeGreaterThanOrEqual(480);
    expect(wait).toBeLessThanOrEqual(481);
    expect(refused.body).toMatchObject({ retryAfter: wait });
    // The twin, with the same history, on the path before any order: the same wait, and a second early is too early.
    const { cartId: missing, token } = noCart(3);
    expect(retryAfterOf(await confirm(at, missing, token, twin))).toBe(wait);
    expect((await confirm(at + (wait - 1) * SECOND, missing, token, twin)).status).toBe(429);
    // The shopper, when told: charged.
    const paid = await confirm(at + wait * SECOND, cartId, await h.token(), shopper);
    expect(paid).toMatchObject({ status: 200, body: { status: "approved" } });
  });

  it("per cart: the seconds until the oldest of its declines leaves the window", async () => {
    const confirm = confirmAt(new ConfirmVelocity(LIMITS, { db: h.db }));
    const cartId = await h.cart();
    for (let i = 0; i < LIMITS.perCart; i++) {
      const declined = await confirm(T0 + i * 60 * SECOND, cartId, await h.token("4544249167673670"));
      expect(declined.status).toBe(402);
    }
    const at = T0 + 300 * SECOND;
    const refused = await confirm(at, cartId, await h.token());
    expect(refused).toMatchObject({ status: 429, body: { error: "RATE_LIMITED", retryAfter: 301 } });
    expect(retryAfterOf(refused)).toBe(301);
    // A second early it is still refused (a refused try is not a decline: it moves nothing); when told, charged.
    expect((await confirm(at + 300 * SECOND, cartId, await h.token())).status).toBe(429);
    const paid = await confirm(at + 301 * SECOND, cartId, await h.token());
    expect(paid).toMatchObject({ status: 200, body: { status: "approved" } });
  });
});
