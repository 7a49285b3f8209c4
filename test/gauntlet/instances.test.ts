import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CATALOG } from "@handoff/demo-shop";
import { createSandbox, parseChaos, type Sandbox } from "@handoff/sandbox";
import {
  newDestinationSecret,
  openDatabase,
  type SqlClient,
  SqlInventory,
  signTestWebhook,
} from "@handoff/server";
import { afterAll, beforeAll, describe, it } from "vitest";
import { sampleEventFor } from "../../packages/server/src/test-support/events.js";
import { freshPostgresDatabase } from "../../packages/server/src/test-support/postgres.js";
import { type Receiver, startReceiver } from "../../packages/server/src/test-support/receiver.js";
import { type Balancer, startBalancer } from "./support/balancer.js";
import { type ChildShop, startChildShop } from "./support/child-shop.js";
import { ledger, runs } from "./support/ledger.js";
import { expectedOrderStatus, sandboxToken } from "./support/truth.js";

/**
 * Two shop processes on one PostgreSQL behind a round-robin balancer, as a merchant outgrowing one
 * process runs them. The sandbox's chaotic webhook stream is split between them (duplicates of one
 * event land on different instances), one instance is killed with SIGKILL mid-stream, the other is
 * stopped with SIGTERM at the end.
 */
let sandbox: Sandbox;
let databaseUrl: string;
let db: SqlClient;
let a: ChildShop;
let b: ChildShop;
let lb: Balancer;
let receiver: Receiver;
let dir: string;
const SECRET = newDestinationSecret();

const LEASE_MS = 2_000;
const VELOCITY = { perCart: 5, perClient: 100_000, windowMs: 60_000 };
const CARDS = ["4242424242424242", "4544249167673670", "4000000000000101", "4242424242424242"];

beforeAll(async () => {
  sandbox = createSandbox({ captureDelayMs: 30, timeScale: 600 });
  await sandbox.listen();
  databaseUrl = await freshPostgresDatabase();
  // Both instances deliver order events to the merchant's ERP.
  receiver = await startReceiver();
  dir = await mkdtemp(join(tmpdir(), "handoff-instances-"));
  const destinations = join(dir, "destinations.json");
  writeFileSync(
    destinations,
    JSON.stringify([{ id: "erp", url: receiver.url, secret: SECRET, events: ["order.*"] }]),
  );
  const start = (instanceId: string) =>
    startChildShop(databaseUrl, {
      apiUrl: sandbox.url,
      keys: sandbox.keys,
      worker: { leaseMs: LEASE_MS, instanceId, pollMs: 200 },
      outbox: { leaseMs: LEASE_MS, instanceId, pollMs: 200, retryScheduleMs: [100, 200, 400] },
      env: { HANDOFF_DESTINATIONS: destinations },
      velocity: VELOCITY,
    });
  [a, b] = await Promise.all([start("shop-a"), start("shop-b")]);
  lb = await startBalancer([a.url, b.url]);
  sandbox.webhookUrls = [`${lb.url}/webhooks/checkoutdotcom`];
  db = await openDatabase(databaseUrl, { applicationName: "gauntlet-reader" });
  // Enough mugs for the full run: stock is raced in its own test, not here.
  await new SqlInventory(db).upsertProducts(CATALOG.map((p) => ({ ...p, stock: 100_000 })));
}, 90_000);
afterAll(async () => {
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  await lb?.close();
  await Promise.all([a?.kill(), b?.kill()]);
  await db?.close();
  await sandbox?.close();
});

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const token = (number: string) => sandboxToken(sandbox, number);

/** A cart made on one instance and priced by another, as a balancer would spread a shopper's requests. */
async function cartOn(first: string, second: string, sku = "mug"): Promise<string> {
  const made = (await (await post(first, "/api/carts", { items: [{ sku, quantity: 1 }] })).json()) as {
    cartId: string;
  };
  await post(second, "/api/checkout/session", { cartId: made.cartId });
  return made.cartId;
}

async function pay(base: string, cartId: string, card: string): Promise<string> {
  const answer = await post(base, "/api/checkout/confirm", { cartId, processorToken: token(card) });
  const text = await answer.text();
  if (!text.startsWith("{")) throw new Error(`confirm on ${base} answered ${answer.status}: ${text}`);
  return (JSON.parse(text) as { orderId: string }).orderId;
}

async function mismatches(orders: string[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const orderId of orders) {
    const row = (await db.execute("SELECT status FROM orders WHERE id = ?", [orderId])).rows[0];
    const expected = expectedOrderStatus(sandbox, orderId);
    if (row?.status !== expected) wrong.push(`${orderId}: ${row?.status} ≠ ${expected}`);
  }
  return wrong;
}

/** Waits until every order matches the sandbox and nothing stored is waiting (a dead instance's lease included). */
async function settled(orders: string[], withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  let wrong: string[];
  let waiting: number;
  do {
    await sandbox.idle();
    await new Promise((r) => setTimeout(r, 250));
    wrong = await mismatches(orders);
    waiting = await count(
      "SELECT COUNT(*) AS n FROM webhook_events WHERE status IN ('received', 'retrying')",
    );
  } while ((wrong.length > 0 || waiting > 0) && Date.now() < deadline);
  return wrong;
}

/** Status changes one webhook event caused more than once: none, however often it was delivered. */
async function appliedTwice(): Promise<number> {
  const rows = (
    await db.execute("SELECT order_id, detail_json FROM order_events WHERE kind = 'status_changed'")
  ).rows;
  const seen = new Map<string, number>();
  for (const row of rows) {
    const eventId = (JSON.parse(String(row.detail_json)) as { eventId?: string }).eventId;
    if (!eventId) continue;
    const key = `${row.order_id}/${eventId}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].filter((n) => n > 1).length;
}

const count = async (sql: string, args: Array<string | number> = []) =>
  Number((await db.execute(sql, args)).rows[0]?.n ?? 0);

describe("two instances on one PostgreSQL", () => {
  it("sell the last unit once when both race for it", async () => {
    await new SqlInventory(db).upsertProducts([
      { sku: "last-print", name: "Last print", unitAmount: 9900, currency: "GBP", stock: 1 },
    ]);
    const first = await cartOn(a.url, b.url, "last-print");
    const second = await cartOn(b.url, a.url, "last-print");
    const answers = await Promise.all([
      post(a.url, "/api/checkout/confirm", { cartId: first, processorToken: token("4242424242424242") }),
      post(b.url, "/api/checkout/confirm", { cartId: second, processorToken: token("4242424242424242") }),
    ]);
    const statuses = answers.map((r) => r.status).sort();
    const stock = await count("SELECT stock AS n FROM products WHERE sku = 'last-print'");
    const charged = [...sandbox.payments.payments.values()].filter((p) => p.amount === 9900).length;
    ledger("instances-last-unit", [
      { check: "answers (one paid, one out of stock)", expected: "200,409", actual: statuses.join(",") },
      { check: "stock left", expected: 0, actual: stock },
      { check: "payments charged at Checkout.com", expected: 1, actual: charged },
    ]);
  }, 60_000);

  it("split a chaotic webhook stream, survive one being killed, and end every order as the sandbox says", async () => {
    sandbox.setChaos(parseChaos("duplicate=0.3,reorder=0.4,delay=0-200,fail-first=0.2"), 11);
    const orders: string[] = [];
    const perPhase = runs(16, 60);
    for (let i = 0; i < perPhase; i++) {
      const [x, y] = i % 2 === 0 ? [lb.url, a.url] : [b.url, lb.url];
      orders.push(await pay(y, await cartOn(x, y), CARDS[i % CARDS.length] as string));
    }

    // Mid-stream: more news about captured payments pours in (each a new event), and B dies without
    // warning while it is storing and processing its share.
    await sandbox.idle();
    const captured = [...sandbox.payments.payments.values()].filter(
      (p) => p.status === "Captured" && orders.includes(p.reference ?? ""),
    );
    const blastSize = runs(300, 1200);
    const bodies = Array.from({ length: blastSize }, (_, i) => {
      const p = captured[i % captured.length];
      return JSON.stringify(
        sampleEventFor("payment_captured", { id: p?.id, reference: p?.reference, amount: p?.amount }),
      );
    });
    let sent = 0;
    const blaster = async () => {
      while (sent < bodies.length) {
        const signed = signTestWebhook(bodies[sent++] as string, sandbox.keys.signatureKey);
        await fetch(`${lb.url}/webhooks/checkoutdotcom`, {
          method: "POST",
          body: signed.body,
          headers: signed.headers,
        }).catch(() => undefined);
      }
    };
    const blasting = Promise.all(Array.from({ length: 16 }, blaster));
    const ackedByBNow = () => lb.webhooks.filter((w) => w.upstream === 1 && w.status === 200).length;
    while (ackedByBNow() < blastSize / 5) await new Promise((r) => setTimeout(r, 2));
    const ackedByB = new Set(
      lb.webhooks.filter((w) => w.upstream === 1 && w.status === 200).map((w) => w.eventId),
    );
    await b.kill();
    const heldByB = (
      await db.execute(
        "SELECT id FROM webhook_events WHERE claimed_by = 'shop-b' AND status IN ('received', 'retrying', 'parked')",
      )
    ).rows.map((r) => String(r.id));
    await blasting;
    for (let i = 0; i < perPhase; i++) {
      orders.push(await pay(lb.url, await cartOn(lb.url, lb.url), CARDS[i % CARDS.length] as string));
    }
    const wrong = await settled(orders, 30_000);

    const stored = async (ids: Iterable<string | undefined>) => {
      let n = 0;
      for (const id of ids) {
        if (id && (await count("SELECT COUNT(*) AS n FROM webhook_events WHERE id = ?", [id])) === 1) n++;
      }
      return n;
    };
    const unprocessedOfB = heldByB.length
      ? await count(
          `SELECT COUNT(*) AS n FROM webhook_events WHERE id IN (${heldByB.map(() => "?").join(", ")})
           AND status NOT IN ('processed', 'ignored')`,
          heldByB,
        )
      : 0;
    const delivered = lb.webhooks.filter((w) => w.status === 200);
    const instancesOf = new Map<string, Set<number>>();
    for (const w of delivered) {
      const set = instancesOf.get(w.eventId ?? "") ?? new Set<number>();
      set.add(w.upstream);
      instancesOf.set(w.eventId ?? "", set);
    }
    const duplicatesAcrossInstances = [...instancesOf.values()].filter((s) => s.size > 1).length;
    ledger("instances-stream", [
      { check: "orders paid through two instances", expected: perPhase * 2, actual: orders.length },
      {
        check: "events delivered to both instances (some duplicates split)",
        expected: "yes",
        actual: duplicatesAcrossInstances > 0 ? "yes" : "no",
      },
      { check: "orders whose state differs from the sandbox's", expected: 0, actual: wrong.length },
      { check: "events applied more than once", expected: 0, actual: await appliedTwice() },
      {
        check: "events B acknowledged before SIGKILL, stored",
        expected: ackedByB.size,
        actual: await stored(ackedByB),
      },
      {
        check: `events B held when killed (${heldByB.length}), left unprocessed`,
        expected: 0,
        actual: unprocessedOfB,
      },
      {
        check: "events stored but never processed",
        expected: 0,
        actual: await count(
          "SELECT COUNT(*) AS n FROM webhook_events WHERE status IN ('received', 'retrying', 'failed')",
        ),
      },
    ]);
  }, 150_000);

  it("deliver every committed order event to the merchant's ERP, in order per order, whichever instance sends it", async () => {
    const committed = (
      await db.execute("SELECT event_id, order_id, type FROM outbox WHERE type LIKE 'order.%' ORDER BY id")
    ).rows.map((r) => ({ id: String(r.event_id), orderId: String(r.order_id), type: String(r.type) }));
    const ok = () => receiver.received.filter((r) => r.status < 300);
    const deadline = Date.now() + 20_000;
    const got = () => new Set(ok().map((r) => String(r.headers["webhook-id"])));
    while (committed.some((e) => !got().has(e.id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    // Per order, the first delivery of each event comes in the order the events were committed.
    const firstSeen = new Map<string, number>();
    ok().forEach((r, i) => {
      const id = String(r.headers["webhook-id"]);
      if (!firstSeen.has(id)) firstSeen.set(id, i);
    });
    let outOfOrder = 0;
    const lastOf = new Map<string, number>();
    for (const e of committed) {
      const at = firstSeen.get(e.id) ?? -1;
      if (at < (lastOf.get(e.orderId) ?? -1)) outOfOrder++;
      lastOf.set(e.orderId, at);
    }
    ledger("instances-outbox", [
      { check: "order events committed", info: committed.length },
      {
        check: "committed events delivered",
        expected: committed.length,
        actual: committed.filter((e) => got().has(e.id)).length,
      },
      { check: "events delivered out of order within their order", expected: 0, actual: outOfOrder },
    ]);
  }, 60_000);

  it("stop on SIGTERM with nothing left claimed or connected", async () => {
    const code = await a.terminate();
    const claimed = await count(
      "SELECT COUNT(*) AS n FROM webhook_events WHERE claimed_by IS NOT NULL AND status IN ('received', 'retrying', 'parked')",
    );
    const connections = await count(
      "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = 'handoff'",
    );
    ledger("instances-shutdown", [
      { check: "exit code after SIGTERM", expected: 0, actual: code ?? -1 },
      { check: "inbox events still claimed", expected: 0, actual: claimed },
      { check: "shop connections left open", expected: 0, actual: connections },
    ]);
  }, 30_000);
});
