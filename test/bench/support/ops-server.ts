import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOpsRouter, hashPassword, hashToken } from "@handoff/ops";
import {
  CheckoutComProcessor,
  ConfirmVelocity,
  createHandoff,
  createSettlement,
  createWebhooks,
  DEFAULT_VELOCITY,
  openDatabase,
  type SqlClient,
  type SqlExecutor,
  SqlInventory,
  SqlOrderStore,
  type SqlValue,
} from "@handoff/server";
import express from "express";
import { pino } from "pino";
import { addHistory } from "./history.js";
import { OPERATOR } from "./ops-operator.js";
import { exitOnStop } from "./server-process.js";

/**
 * The ops console over a shop's database for the scale benchmark, in its own process: the pages and
 * the JSON API mounted at /ops (operator `bench`, password and token below), over SQLite in a temp
 * folder or the PostgreSQL that DATABASE_URL names, with the sandbox at argv[2] (key argv[3]) as
 * Checkout.com. Every statement the store runs is recorded, so each timed request's SQL can be
 * EXPLAINed as it ran. With BENCH_SETTLEMENT=1 the payout pages are mounted too. Messages: `fill` adds history, `long-order` makes a paid order with a
 * timeline of `entries` rows, `statements` hands over (and forgets) what ran since the last ask,
 * `explain` plans them, `rss` starts or stops sampling resident memory.
 */
const [sandboxUrl = "", secretKey = ""] = process.argv.slice(2);
const dir = await mkdtemp(join(tmpdir(), "handoff-ops-"));
const raw = await openDatabase(process.env.DATABASE_URL ?? `file:${join(dir, "ops.db")}`);

let recorded: Array<{ sql: string; args: SqlValue[]; ms: number }> = [];
const traced = (on: SqlExecutor): SqlExecutor => ({
  dialect: on.dialect,
  async execute(sql, args = []) {
    const started = performance.now();
    try {
      return await on.execute(sql, args);
    } finally {
      recorded.push({ sql, args, ms: performance.now() - started });
    }
  },
  async write(sql, args = []) {
    const started = performance.now();
    try {
      await on.write(sql, args);
    } finally {
      recorded.push({ sql, args, ms: performance.now() - started });
    }
  },
});
const db: SqlClient = {
  ...traced(raw),
  batch: (statements) => raw.batch(statements),
  transaction: (work) => raw.transaction((tx) => work(traced(tx))),
  close: () => raw.close(),
};

const inventory = new SqlInventory(db);
await inventory.upsertProducts([
  { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 1_000_000 },
]);
const store = new SqlOrderStore(db);
const logger = pino({ level: "silent" });
const handoff = createHandoff({
  store,
  inventory,
  processor: new CheckoutComProcessor({ secretKey, publicKey: "pk_unused", host: sandboxUrl }),
  settings: {
    environment: "local",
    publicKey: "pk_unused",
    processingChannelFor: () => undefined,
    threeDsReturnUrl: "http://127.0.0.1/3ds-return",
    orderPageUrl: (id) => `http://127.0.0.1/orders/${id}`,
    threeDs: false,
  },
  logger,
  now: () => new Date(),
  velocity: new ConfirmVelocity({ ...DEFAULT_VELOCITY, perClient: Number.MAX_SAFE_INTEGER }),
});
const webhooks = createWebhooks({ db, deps: handoff.deps, signatureKeys: ["whsec_bench"] });
// With BENCH_SETTLEMENT=1, the payout pages over what the settlement benchmark stored (its loop is
// not started: nothing is asked of the sandbox, only shown).
const settlement =
  process.env.BENCH_SETTLEMENT === "1"
    ? createSettlement({
        db,
        source: new CheckoutComProcessor({ secretKey, publicKey: "pk_unused", host: sandboxUrl }),
        logger,
        now: () => new Date(),
      })
    : undefined;
const app = express();
app.use(
  "/ops",
  createOpsRouter(handoff, {
    auth: {
      operators: [
        {
          name: OPERATOR.name,
          passwordHash: hashPassword(OPERATOR.password),
          apiTokenHash: hashToken(OPERATOR.token),
        },
      ],
    },
    db,
    webhooks,
    settlement,
  }),
);
const server = createServer(app);
server.keepAliveTimeout = 30_000;
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));

/** EXPLAIN for each distinct SELECT, as the engine plans it with the same arguments. */
async function explain(statements: Array<{ sql: string; args: SqlValue[] }>): Promise<string[]> {
  const plans: string[] = [];
  const seen = new Set<string>();
  for (const s of statements) {
    if (!/^\s*(SELECT|WITH)/i.test(s.sql) || seen.has(s.sql)) continue;
    seen.add(s.sql);
    const sql = s.sql.replace(/\s+/g, " ").trim();
    if (raw.dialect === "sqlite") {
      const { rows } = await raw.execute(`EXPLAIN QUERY PLAN ${s.sql}`, s.args);
      // Rows are (id, parent, detail): indent each under its parent.
      const depth = new Map<number, number>();
      const lines = rows.map((r) => {
        const d = (depth.get(Number(r.parent)) ?? -1) + 1;
        depth.set(Number(r.id), d);
        return `${"  ".repeat(d)}${String(r.detail)}`;
      });
      plans.push(`${sql}\n${lines.join("\n")}`);
    } else {
      const { rows } = await raw.execute(`EXPLAIN (ANALYZE, BUFFERS) ${s.sql}`, s.args);
      plans.push(`${sql}\n${rows.map((r) => String(r["QUERY PLAN"])).join("\n")}`);
    }
  }
  return plans;
}

let rssTimer: NodeJS.Timeout | undefined;
let rss = { start: 0, peak: 0 };
let historyOrders = 0;

process.on(
  "message",
  async (message: {
    type: string;
    orders?: number;
    span?: number;
    eventsPerOrder?: number;
    token?: string;
    entries?: number;
    statements?: Array<{ sql: string; args: SqlValue[] }>;
    on?: boolean;
  }) => {
    if (message.type === "fill") {
      const started = performance.now();
      await addHistory(raw, {
        from: historyOrders,
        orders: message.orders ?? 0,
        ...(message.span ? { span: message.span } : {}),
        ...(message.eventsPerOrder !== undefined ? { eventsPerOrder: message.eventsPerOrder } : {}),
      });
      historyOrders += message.orders ?? 0;
      process.send?.({ type: "fill", ms: performance.now() - started, orders: historyOrders });
    } else if (message.type === "long-order") {
      // A real paid order (cart, session, confirm through the sandbox), then a long life on its timeline.
      const cart = await inventory.createCart([{ sku: "mug", quantity: 1 }]);
      if (!cart.ok) throw new Error("cart refused");
      await handoff.session({ cartId: cart.cart.cartId });
      const reply = await handoff.confirm({ cartId: cart.cart.cartId, processorToken: message.token ?? "" });
      const orderId = (reply.body as { orderId?: string }).orderId;
      if (reply.status !== 200 || !orderId) throw new Error(`confirm answered ${reply.status}`);
      const have = (await store.timeline(orderId)).length;
      for (let n = have; n < (message.entries ?? 0); n++)
        await store.appendEvent(orderId, {
          kind: "note",
          detail: { n, text: "Customer asked about delivery" },
        });
      process.send?.({ type: "long-order", orderId });
    } else if (message.type === "statements") {
      process.send?.({ type: "statements", statements: recorded });
      recorded = [];
    } else if (message.type === "explain") {
      process.send?.({ type: "explain", plans: await explain(message.statements ?? []) });
    } else if (message.type === "rss") {
      if (message.on) {
        rss = { start: process.memoryUsage().rss, peak: 0 };
        rssTimer = setInterval(() => {
          rss.peak = Math.max(rss.peak, process.memoryUsage().rss);
        }, 20);
      } else clearInterval(rssTimer);
      process.send?.({ type: "rss", ...rss, peak: Math.max(rss.peak, process.memoryUsage().rss) });
    }
  },
);
exitOnStop(server, db, dir);
process.send?.({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops` });
