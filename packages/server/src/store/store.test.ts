import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../db/migrations.js";
import { openDatabase } from "../db/open.js";
import type { SqlClient, SqlValue } from "../db/sql-client.js";
import { SqlInventory } from "../inventory/sql-inventory.js";
import type { Attempt } from "../orders/model.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { testEngine } from "../test-support/postgres.js";
import { SqlWebhookInbox } from "../webhooks/inbox.js";
import { timelinePage } from "./ops-reads.js";
import { SqlOrderStore } from "./sql-store.js";

/**
 * The store seam, as the use cases rely on it, on whichever engine this project runs (SQLite, or
 * PostgreSQL in the `postgres` project). "Another instance" is a second pool on the same PostgreSQL
 * database. SQLite serves one instance: there the other caller is a concurrent one in the same
 * process, sharing its one connection (a second connection would only wait on the file lock).
 */
let h: Harness;
let other: SqlClient;
beforeAll(async () => {
  h = await startHarness();
  other = testEngine() === "postgres" ? await openDatabase(h.databaseUrl) : h.db;
});
afterAll(async () => {
  if (other !== h.db) await other.close();
  await h.close();
});

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

function attemptFor(orderId: string, token: string): Attempt {
  const at = new Date().toISOString();
  return {
    id: `att_${token}`,
    orderId,
    processorToken: token,
    idempotencyKey: `handoff:${orderId}:${token}`,
    amount: 2900,
    currency: "GBP",
    status: "processing",
    riskFlagged: false,
    createdAt: at,
    updatedAt: at,
  };
}

async function orderId(items = [{ sku: "mug", quantity: 1 }]): Promise<string> {
  const cartId = await h.cart(items);
  const order = await h.store.findOrderByCart(cartId);
  if (!order) throw new Error("no order");
  return order.id;
}

describe(`the store seam on ${testEngine()}`, () => {
  it("migrates idempotently: opening an up-to-date database again changes nothing", async () => {
    const again = await openDatabase(h.databaseUrl);
    const versions = await again.execute("SELECT COUNT(*) AS n FROM schema_migrations");
    await again.close();
    expect(Number(versions.rows[0]?.n)).toBe(MIGRATIONS.length);
  });

  it("commits a transaction's steps together, and a throw leaves none of them", async () => {
    const id = await orderId();
    await expect(
      h.store.transaction(async (tx) => {
        await tx.insertAttempt(attemptFor(id, "tok_rolledback"));
        await tx.appendEvents(id, [{ kind: "attempt_started", detail: {} }]);
        throw new Error("the charge could not be prepared");
      }),
    ).rejects.toThrow("the charge could not be prepared");
    expect(await h.store.attemptByToken("tok_rolledback")).toBeUndefined();
    expect((await h.store.timeline(id)).map((e) => e.kind)).not.toContain("attempt_started");
    await h.store.transaction((tx) => tx.insertAttempt(attemptFor(id, "tok_committed")));
    expect(await h.store.attemptByToken("tok_committed")).toMatchObject({
      orderId: id,
      status: "processing",
    });
  });

  it("keeps one open attempt per order and one attempt per token, from any instance", async () => {
    const id = await orderId();
    const second = new SqlOrderStore(other);
    expect(await h.store.transaction((tx) => tx.insertAttempt(attemptFor(id, "tok_first")))).toBe("opened");
    expect(await second.transaction((tx) => tx.insertAttempt(attemptFor(id, "tok_second")))).toBe(
      "order_busy",
    );
    const elsewhere = await orderId();
    expect(
      await second.transaction((tx) =>
        tx.insertAttempt({ ...attemptFor(elsewhere, "tok_first"), id: "att_x" }),
      ),
    ).toBe("token_taken");
  });

  it("holds an order's lock until the transaction ends: the other instance reads what the first wrote", async () => {
    const id = await orderId();
    await h.store.transaction((tx) => tx.insertAttempt(attemptFor(id, "tok_locked")));
    const attempt = (await h.store.attemptByToken("tok_locked")) as Attempt;
    const second = new SqlOrderStore(other);
    const steps: string[] = [];
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const first = h.store.transaction(async (tx) => {
      await tx.lockOrder(id);
      locked();
      steps.push("first locked");
      await new Promise((resolve) => setTimeout(resolve, 150));
      await tx.updateAttempt(
        attempt,
        { status: "authorized", paymentId: "pay_locked" },
        { status: "authorized" },
      );
      steps.push("first wrote");
    });
    await holding;
    const seen = await second.transaction(async (tx) => {
      await tx.lockOrder(id);
      steps.push("second locked");
      return (await tx.attemptById(attempt.id))?.status;
    });
    await first;
    expect(steps).toEqual(["first locked", "first wrote", "second locked"]);
    expect(seen).toBe("authorized");
  });

  it("sells the last unit once when two instances reserve it at the same moment", async () => {
    await h.inventory.upsertProducts([
      { sku: "single", name: "Only one", unitAmount: 700, currency: "GBP", stock: 1 },
    ]);
    const [a, b] = [
      await orderId([{ sku: "single", quantity: 1 }]),
      await orderId([{ sku: "single", quantity: 1 }]),
    ];
    const line = [{ sku: "single", name: "Only one", quantity: 1, unitAmount: 700, amount: 700 }];
    const results = await Promise.all([
      h.inventory.reserve(a, line),
      new SqlInventory(other).reserve(b, line),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({
      lines: [{ sku: "single", requested: 1, available: 0 }],
    });
    expect((await h.inventory.listProducts()).find((p) => p.sku === "single")?.stock).toBe(0);
    // Reserving again for the order that won holds nothing more; releasing it puts exactly one back.
    const winner = results[0]?.ok ? a : b;
    expect(await h.inventory.reserve(winner, line)).toEqual({ ok: true });
    await h.inventory.release(winner);
    await h.inventory.release(winner);
    expect((await h.inventory.listProducts()).find((p) => p.sku === "single")?.stock).toBe(1);
  });

  it("stores a burst of webhooks together and tells each sender whether its event was new", async () => {
    const mine = new SqlWebhookInbox(h.db);
    const theirs = new SqlWebhookInbox(other);
    const event = (id: string) => ({
      id,
      type: "payment_captured",
      rawBody: `{"id":"${id}"}`,
      headers: { "cko-signature": "ab" },
      receivedAt: new Date().toISOString(),
    });
    const known = Array.from({ length: 3 }, (_, i) => `evt_burst_known_${i}`);
    for (const id of known) await mine.insert(event(id));
    // 70 new events (more than one statement's worth) split between two instances, 3 already
    // stored, 5 sent twice to the same instance and 1 twice to both: all in one turn of the event loop.
    const fresh = Array.from({ length: 70 }, (_, i) => `evt_burst_${String(i).padStart(2, "0")}`);
    const via = (i: number) => (i % 2 === 0 ? mine : theirs);
    const sends: Array<[string, SqlWebhookInbox]> = [
      ...fresh.map((id, i): [string, SqlWebhookInbox] => [id, via(i)]),
      ...known.map((id): [string, SqlWebhookInbox] => [id, theirs]),
      ...fresh.slice(0, 5).map((id, i): [string, SqlWebhookInbox] => [id, via(i)]),
      [fresh[5] as string, via(6)],
    ];
    const outcomes = await Promise.all(sends.map(([id, inbox]) => inbox.insert(event(id))));
    const sent = sends.map(([id]) => id);
    const outcomeOf = (id: string) => sent.flatMap((s, i) => (s === id ? [outcomes[i]] : []));
    for (const id of fresh) expect(outcomeOf(id).filter((o) => o === "inserted")).toHaveLength(1);
    for (const id of known) expect(outcomeOf(id)).toEqual(["duplicate"]);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(9);
    for (const id of [...fresh, ...known])
      expect(await mine.get(id)).toMatchObject({ id, status: "received", rawBody: `{"id":"${id}"}` });
    // Due events left behind would be claimed by the next test.
    await h.db.execute("DELETE FROM webhook_events WHERE id LIKE 'evt_burst_%'");
  });

  it("gives each due inbox event to one instance, and to another once the first's lease has passed", async () => {
    const mine = new SqlWebhookInbox(h.db);
    const theirs = new SqlWebhookInbox(other);
    const received = new Date(Date.now() - 1000).toISOString();
    const ids = Array.from({ length: 40 }, (_, i) => `evt_claim_${String(i).padStart(2, "0")}`);
    for (const id of ids) {
      await mine.insert({ id, type: "payment_captured", rawBody: "{}", headers: {}, receivedAt: received });
    }
    const now = new Date().toISOString();
    const [a, b] = await Promise.all([
      mine.claim("instance-a", now, later(600_000), 25),
      theirs.claim("instance-b", now, later(60_000), 25),
    ]);
    const claimedIds = [...a, ...b].map((e) => e.id).filter((id) => id.startsWith("evt_claim_"));
    expect(new Set(claimedIds).size).toBe(claimedIds.length);
    expect(claimedIds.length).toBe(40);
    expect(await mine.claim("instance-a", now, later(60_000), 100)).toEqual([]);

    // Instance b dies holding its events: they come due again when its lease ends, for a.
    const orphaned = b.map((e) => e.id);
    const afterLease = later(61_000);
    const taken = await mine.claim("instance-a", afterLease, later(600_000), 100);
    expect(taken.map((e) => e.id).sort()).toEqual([...orphaned].sort());
    // b's late report is not recorded over a's.
    await theirs.update(
      orphaned[0] as string,
      { status: "failed", attempts: 9, outcome: "late" },
      "instance-b",
    );
    expect(await mine.get(orphaned[0] as string)).toMatchObject({ claimedBy: "instance-a", attempts: 0 });
    // Shutting down, a hands back what it did not process: due at once for anyone.
    expect(await mine.releaseClaims("instance-a", now)).toBe(40);
    expect((await theirs.claim("instance-b", now, later(60_000), 100)).length).toBe(40);
  });

  it("lets one sweeping instance at a time look at a stuck attempt, until it lets go", async () => {
    const id = await orderId();
    await h.store.transaction((tx) => tx.insertAttempt(attemptFor(id, "tok_stuck")));
    const second = new SqlOrderStore(other);
    const claim = (store: SqlOrderStore) =>
      store.claimStaleAttempts({
        statuses: ["processing"],
        olderThan: later(1000),
        now: new Date().toISOString(),
        until: later(300_000),
        limit: 100,
      });
    const [a, b] = await Promise.all([claim(h.store), claim(second)]);
    const looked = [...a, ...b].filter((x) => x.processorToken === "tok_stuck");
    expect(looked).toHaveLength(1);
    expect(await claim(second)).toEqual([]);
    await h.store.releaseStaleClaims([...a, ...b].map((x) => x.id));
    expect((await claim(second)).map((x) => x.processorToken)).toContain("tok_stuck");
  });

  it("counts a search's matches up to a limit and says when there are more, so a year of orders is not read to count it", async () => {
    const from = new Date(Date.now() - 1).toISOString();
    for (let i = 0; i < 3; i++) await orderId();
    const capped = await h.store.searchOrders({ from, limit: 1, countUpTo: 2 });
    expect(capped).toMatchObject({ total: 2, totalCapped: true });
    expect(capped.orders).toHaveLength(1);
    const exact = await h.store.searchOrders({ from, limit: 1, countUpTo: 3 });
    expect(exact.total).toBe(3);
    expect(exact.totalCapped).toBeUndefined();
  });

  it("reads a long timeline a page at a time, newest page first, and the pages make the whole", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    for (let i = 0; i < 4; i++)
      await h.handoff.session({ cartId, customer: { email: `page${i}@example.com` } });
    const orderId = (await h.store.findOrderByCart(cartId))?.id ?? "";
    const whole = await h.store.timeline(orderId);
    expect(whole.length).toBeGreaterThanOrEqual(4);
    const seen = [];
    let older: number | undefined;
    do {
      const page = await timelinePage(h.db, orderId, { limit: 3, before: older });
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries);
      older = page.older;
    } while (older !== undefined);
    expect(seen.reverse()).toEqual(whole);
  });

  it("finds an order by the start of its email, in any case, on the email index, never a scan", async () => {
    const run = Date.now();
    const withEmail = async (email: string) => {
      const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
      expect((await h.handoff.session({ cartId, customer: { email } })).status).toBe(200);
      return (await h.store.findOrderByCart(cartId))?.id;
    };
    const lee = await withEmail(`Lee.${run}@Example.com`);
    const leeOther = await withEmail(`lee.${run}0@example.org`);
    const ran: Array<{ sql: string; args: SqlValue[] }> = [];
    const traced = new SqlOrderStore({
      ...h.db,
      dialect: h.db.dialect,
      execute: (sql, args = []) => {
        ran.push({ sql, args });
        return h.db.execute(sql, args);
      },
    });
    const found = async (query: string) =>
      (await traced.searchOrders({ query, limit: 10 })).orders.map((o) => o.id).sort();
    expect(await found(`lee.${run}`)).toEqual([lee, leeOther].sort());
    expect(await found(`LEE.${run}@`)).toEqual([lee]);
    expect(await found(`lee.${run}@example.COM`)).toEqual([lee]);
    // A domain alone is not an email's beginning.
    expect(await found("example.com")).toEqual([]);
    // The engine plans the range on orders_by_email_bytes (PostgreSQL told to avoid scans, as at scale).
    const search = ran.find((r) => /^\s*SELECT o\.\*/.test(r.sql) && r.sql.includes("customer_email"));
    if (!search) throw new Error("no search ran");
    const plan = await h.db.transaction(async (tx) => {
      if (tx.dialect === "sqlite")
        return (await tx.execute(`EXPLAIN QUERY PLAN ${search.sql}`, search.args)).rows.map((r) => r.detail);
      await tx.execute("SET LOCAL enable_seqscan = off");
      return (await tx.execute(`EXPLAIN ${search.sql}`, search.args)).rows.map((r) => r["QUERY PLAN"]);
    });
    expect(plan.join("\n")).toContain("orders_by_email_bytes");
  });
});
