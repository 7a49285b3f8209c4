import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CheckoutComProcessor,
  ConfirmVelocity,
  createHandoff,
  createWebhooks,
  DEFAULT_VELOCITY,
  openDatabase,
  SqlInventory,
  SqlOrderStore,
  SqlWebhookInbox,
} from "@handoff/server";
import { createHandoffHandler, createWebhookHandler } from "@handoff/server/node";
import Database from "libsql";
import pg from "pg";
import { pino } from "pino";
import { addHistory } from "./history.js";
import { INGEST_KEY } from "./ingest.js";
import { exitOnStop } from "./server-process.js";
import { percentile } from "./stats.js";

/**
 * One shop instance in its own process for the confirm and store benchmarks: the checkout routes
 * and the webhook route (worker off) on node:http over the database DATABASE_URL names (several of
 * these share one PostgreSQL), charging through the sandbox at argv[2] with the secret key argv[3].
 * `POST /bare-charge` is the baseline: the same processor call with nothing of Handoff around it.
 * `POST /bare-locked-charge` is the least a safe confirm does on that database: a transaction that
 * locks one row, writes it and commits, then the same call, then another such transaction for the
 * outcome (two commits: the attempt before the charge, its result after). On PostgreSQL with `pg`
 * alone; on SQLite with libsql's synchronous API alone, in a file of its own beside the shop's, with
 * the shop's durability (WAL, synchronous=FULL).
 * Messages: `carts` makes carts with their sessions open, `history` adds stored history, `fsync`
 * times one durable write on the database's disk, `count` says how many events are stored.
 */
const [sandboxUrl = "", secretKey = ""] = process.argv.slice(2);
const dir = await mkdtemp(join(tmpdir(), "handoff-confirm-"));
const db = await openDatabase(process.env.DATABASE_URL ?? `file:${join(dir, "confirm.db")}`);
const inventory = new SqlInventory(db);
await inventory.upsertProducts([
  { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 1_000_000 },
]);
/** CPU time of this process so far (every thread: libsql's commits included), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The charge's own time (and CPU) inside each confirm, so the shop can say what it adds around it. */
class TimedProcessor extends CheckoutComProcessor {
  last = 0;
  lastCpu = 0;
  override async requestPayment(...args: Parameters<CheckoutComProcessor["requestPayment"]>) {
    const started = performance.now();
    const cpu = cpuMs();
    try {
      return await super.requestPayment(...args);
    } finally {
      this.last = performance.now() - started;
      this.lastCpu = cpuMs() - cpu;
    }
  }
}
const processor = new TimedProcessor({ secretKey, publicKey: "pk_unused", host: sandboxUrl });
/** Per confirm: time in the shop (request in → answer written) minus the charge's own time. */
const addedInShop: number[] = [];
/**
 * Per confirm: the CPU the process spent meanwhile, minus the charge's. Requests come one at a
 * time, so nothing else runs in between.
 */
const cpuInShop: number[] = [];

const handoff = createHandoff({
  store: new SqlOrderStore(db),
  inventory,
  processor,
  settings: {
    environment: "local",
    publicKey: "pk_unused",
    processingChannelFor: () => undefined,
    threeDsReturnUrl: "http://127.0.0.1/3ds-return",
    orderPageUrl: (id) => `http://127.0.0.1/orders/${id}`,
    threeDs: false,
  },
  logger: pino({ level: "silent" }),
  now: () => new Date(),
  // Counted in the database as `openHandoff` counts it (so the figure includes that write), with no
  // limit: one load generator plays every shopper.
  velocity: new ConfirmVelocity({ ...DEFAULT_VELOCITY, perClient: Number.MAX_SAFE_INTEGER }, { db }),
});
const handler = createHandoffHandler(handoff, { basePath: "/api/checkout" });
const webhooks = createWebhooks({ db, deps: handoff.deps, signatureKeys: [INGEST_KEY] });
const ingest = createWebhookHandler(webhooks.receiver);
const bareProcessor = new CheckoutComProcessor({ secretKey, publicKey: "pk_unused", host: sandboxUrl });
let bareCharges = 0;

/** The least a shop must do to charge: read the token, call Checkout.com, answer. */
async function bareCharge(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { processorToken } = JSON.parse(Buffer.concat(chunks).toString()) as { processorToken: string };
  const n = bareCharges++;
  const outcome = await bareProcessor.requestPayment(
    {
      source: { type: "token", token: processorToken },
      amount: 1450,
      currency: "GBP",
      reference: `bare_${n}`,
      metadata: { AccelerateToken: processorToken },
    },
    `bare:${n}`,
  );
  res.writeHead(outcome.kind === "processed" ? 200 : 502, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: outcome.kind }));
}

const barePool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  : undefined;
if (barePool) {
  // Two instances start together: PostgreSQL's IF NOT EXISTS is not safe against a concurrent
  // CREATE (the catalog's unique key refuses the second), so the table is made under a lock.
  const client = await barePool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(4242)");
    await client.query("CREATE TABLE IF NOT EXISTS bare_orders (id TEXT PRIMARY KEY, status TEXT NOT NULL)");
  } finally {
    await client.query("SELECT pg_advisory_unlock(4242)");
    client.release();
  }
  await barePool.query(
    "INSERT INTO bare_orders SELECT 'bare_' || n, 'open' FROM generate_series(0, 999) n ON CONFLICT DO NOTHING",
  );
}

/** One row locked, written and committed durably: what a safe confirm does before and after the charge. */
type LockedWrite = (id: string, status: string) => Promise<void>;

async function pgLockedWrite(pool: pg.Pool, id: string, status: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query({
      name: "bare_lock",
      text: "SELECT id FROM bare_orders WHERE id = $1 FOR UPDATE",
      values: [id],
    });
    await client.query({
      name: "bare_set",
      text: "UPDATE bare_orders SET status = $2 WHERE id = $1",
      values: [id, status],
    });
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** SQLite's lock is the database's write lock, taken by BEGIN IMMEDIATE; COMMIT makes it durable. */
function sqliteLockedWrite(path: string): LockedWrite {
  const bare = new Database(path);
  bare.exec("PRAGMA journal_mode = WAL");
  bare.exec("PRAGMA synchronous = FULL");
  bare.exec("CREATE TABLE bare_orders (id TEXT PRIMARY KEY, status TEXT NOT NULL)");
  bare.exec(
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999) INSERT INTO bare_orders SELECT 'bare_' || i, 'open' FROM n",
  );
  const set = bare.prepare("UPDATE bare_orders SET status = ? WHERE id = ?");
  return async (id, status) => {
    bare.exec("BEGIN IMMEDIATE");
    try {
      set.run([status, id]);
      bare.exec("COMMIT");
    } catch (error) {
      if (bare.inTransaction) bare.exec("ROLLBACK");
      throw error;
    }
  };
}

const lockedWrite: LockedWrite = barePool
  ? (id, status) => pgLockedWrite(barePool, id, status)
  : sqliteLockedWrite(join(dir, "bare.db"));
/** Per bare locked charge: time in the shop (request in → answer written) minus the charge's own time. */
const bareAddedInShop: number[] = [];

/** The bare locked route: lock, write, commit; charge; lock, write, commit. */
async function bareLockedCharge(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const { processorToken } = JSON.parse(Buffer.concat(chunks).toString()) as { processorToken: string };
  const n = bareCharges++;
  const row = `bare_${n % 1000}`;
  await lockedWrite(row, "processing");
  const charging = performance.now();
  const outcome = await bareProcessor.requestPayment(
    {
      source: { type: "token", token: processorToken },
      amount: 1450,
      currency: "GBP",
      reference: `bare_${n}`,
      metadata: { AccelerateToken: processorToken },
    },
    `bare:${n}`,
  );
  const charged = performance.now() - charging;
  await lockedWrite(row, outcome.kind);
  res.writeHead(outcome.kind === "processed" ? 200 : 502, { "content-type": "application/json" });
  res.end(JSON.stringify({ kind: outcome.kind }));
  bareAddedInShop.push(performance.now() - started - charged);
}

/**
 * One 4 KB write made durable on the database's own disk, with fsync as SQLite's COMMIT makes it
 * (this libsql build calls fsync, not fdatasync, on the WAL: strace shows it), so the file's times are
 * synced too.
 */
function fsyncMs(samples = 200): number {
  const fd = openSync(join(dir, "fsync-probe"), "w");
  const block = Buffer.alloc(4096, 1);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      writeSync(fd, block);
      const started = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
  }
  return percentile(times, 50);
}

const server = createServer(async (req, res) => {
  if (req.url === "/bare-charge") return bareCharge(req, res);
  if (req.url === "/bare-locked-charge") return bareLockedCharge(req, res);
  const started = performance.now();
  const cpu = cpuMs();
  processor.last = 0;
  processor.lastCpu = 0;
  if (await handler(req, res)) {
    if (req.url?.endsWith("/confirm")) {
      addedInShop.push(performance.now() - started - processor.last);
      cpuInShop.push(cpuMs() - cpu - processor.lastCpu);
    }
    return;
  }
  if (!(await ingest(req, res))) res.writeHead(404).end();
});
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));

let historyOrders = 0;
process.on("message", async (message: { type: string; count?: number; orders?: number }) => {
  if (message.type === "history") {
    const started = performance.now();
    await addHistory(db, { from: historyOrders, orders: message.orders ?? 0 });
    historyOrders += message.orders ?? 0;
    process.send?.({ type: "history", ms: performance.now() - started, orders: historyOrders });
  }
  if (message.type === "added")
    process.send?.({
      type: "added",
      samples: addedInShop.splice(0),
      cpu: cpuInShop.splice(0),
      bare: bareAddedInShop.splice(0),
    });
  if (message.type === "fsync") process.send?.({ type: "fsync", p50: fsyncMs() });
  if (message.type === "count")
    process.send?.({ type: "count", stored: await new SqlWebhookInbox(db).count() });
  if (message.type === "carts") {
    const carts: string[] = [];
    for (let i = 0; i < (message.count ?? 0); i++) {
      const cart = await inventory.createCart([{ sku: "mug", quantity: 1 }]);
      if (!cart.ok || (await handoff.session({ cartId: cart.cart.cartId })).status !== 200)
        throw new Error("cart or session refused");
      carts.push(cart.cart.cartId);
    }
    process.send?.({ type: "carts", carts });
  }
});
exitOnStop(server, db, dir);
process.send?.({
  type: "ready",
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/checkout/confirm`,
  bareUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bare-charge`,
  bareLockedUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bare-locked-charge`,
  webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/checkoutdotcom`,
});
