import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWebhooks, type HandoffDeps, openDatabase, SqlWebhookInbox } from "@handoff/server";
import { createWebhookRouter } from "@handoff/server/express";
import { createWebhookHandler } from "@handoff/server/node";
import express from "express";
import AsyncDatabase from "libsql/promise";
import pg from "pg";
import { pino } from "pino";
import { INGEST_KEY as KEY } from "./ingest.js";
import { exitOnStop } from "./server-process.js";

/**
 * One webhook server per process for the ingest benchmarks: a bare HMAC-only server or Handoff's
 * adapter (verify + durable store + ack, worker off), on node:http or Express. `node-bare-store`
 * is the bare server that also stores: HMAC, then each event's id and body in one
 * `INSERT … ON CONFLICT DO NOTHING` row, batched as Handoff batches (what arrives while a write
 * is in flight goes in the next transaction, 32 rows a statement), with nothing of Handoff's: into
 * the PostgreSQL that DATABASE_URL names (with `pg`), or else into SQLite (libsql's promise API,
 * WAL, synchronous=FULL, one table with its primary key: the least a durable, deduplicating inbox
 * writes per event). `node-bare-append` is the same on SQLite with no index on the id (rows appended
 * in rowid order) and the ids kept in a set in memory: the floor of the append-only inbox redesign.
 */
const mode = process.argv[2] as
  | "node-ceiling"
  | "node-bare"
  | "node-bare-store"
  | "node-bare-append"
  | "node-handoff"
  | "express-ceiling"
  | "express-bare"
  | "express-handoff";

function bareCheck(body: Buffer, header: string | undefined): boolean {
  if (header?.length !== 64) return false;
  const expected = createHmac("sha256", KEY).update(body).digest();
  return timingSafeEqual(Buffer.from(header, "hex"), expected);
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

const bare: RequestListener = async (req: IncomingMessage, res: ServerResponse) => {
  const ok = bareCheck(await readAll(req), req.headers["cko-signature"] as string | undefined);
  res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(ok ? '{"received":true}' : "{}");
};

// SQLite in a temp folder, or the PostgreSQL that DATABASE_URL names (the PostgreSQL benchmark).
const dir = await mkdtemp(join(tmpdir(), "handoff-ingest-"));
const db = await openDatabase(process.env.DATABASE_URL ?? `file:${join(dir, "ingest.db")}`);
/**
 * The inbox's commits as the run makes them (how many, how many events each, how long each takes):
 * with every connection waiting on one, the commit's time is what bounds the rate.
 */
const commits = { count: 0, events: 0, ms: 0 };
const transaction = db.transaction.bind(db);
db.transaction = async (work, options) => {
  const started = performance.now();
  const result = await transaction(work, options);
  commits.count++;
  commits.ms += performance.now() - started;
  if (Array.isArray(result)) commits.events += result.length;
  return result;
};
const logger = pino({ level: "silent" });
const webhooks = createWebhooks({
  db,
  deps: { logger, now: () => new Date() } as unknown as HandoffDeps,
  signatureKeys: [KEY],
});
const inbox = new SqlWebhookInbox(db);

const BARE_TABLE =
  "CREATE TABLE IF NOT EXISTS bare_events (id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at TEXT NOT NULL)";
const APPEND_TABLE =
  "CREATE TABLE IF NOT EXISTS bare_events (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL)";

/** One open transaction of the bare store: runs an insert of some rows, then commits or rolls back. */
interface BareTransaction {
  insert(rows: number, values: string[]): Promise<void>;
  end(commit: boolean): Promise<void>;
}

/** The bare store on PostgreSQL: `pg`, a named statement per row count. */
async function barePostgres(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query(BARE_TABLE);
  const statement = (rows: number) =>
    `INSERT INTO bare_events (id, body, received_at) VALUES ${Array.from({ length: rows }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(", ")} ON CONFLICT (id) DO NOTHING`;
  return {
    begin: async (): Promise<BareTransaction> => {
      const client = await pool.connect();
      await client.query("BEGIN");
      return {
        insert: async (rows, values) =>
          void (await client.query({ name: `bare${rows}`, text: statement(rows), values })),
        end: async (commit) => {
          try {
            await client.query(commit ? "COMMIT" : "ROLLBACK");
          } finally {
            client.release();
          }
        },
      };
    },
    count: async () => Number((await pool.query("SELECT COUNT(*) AS n FROM bare_events")).rows[0]?.n ?? 0),
  };
}

/**
 * The bare store on SQLite: libsql's promise API (its exec, so COMMIT, runs off the event loop). With
 * `append`, the table has no index on the event id (rows go in rowid order, nothing random per event):
 * the caller deduplicates.
 */
async function bareSqlite(path: string, append = false) {
  const sqlite = new AsyncDatabase(path, {});
  await sqlite.exec("PRAGMA journal_mode = WAL");
  await sqlite.exec("PRAGMA synchronous = FULL");
  await sqlite.exec(append ? APPEND_TABLE : BARE_TABLE);
  const statements = new Map<number, Awaited<ReturnType<typeof sqlite.prepare>>>();
  const statement = async (rows: number) => {
    let prepared = statements.get(rows);
    if (!prepared) {
      prepared = await sqlite.prepare(
        `INSERT INTO bare_events (id, body, received_at) VALUES ${Array(rows).fill("(?, ?, ?)").join(", ")}${append ? "" : " ON CONFLICT (id) DO NOTHING"}`,
      );
      statements.set(rows, prepared);
    }
    return prepared;
  };
  return {
    begin: async (): Promise<BareTransaction> => {
      await sqlite.exec("BEGIN IMMEDIATE");
      return {
        insert: async (rows, values) => void (await (await statement(rows)).run(values)),
        end: (commit) => sqlite.exec(commit ? "COMMIT" : "ROLLBACK"),
      };
    },
    count: async () => {
      const row = (await (await sqlite.prepare("SELECT COUNT(*) AS n FROM bare_events")).get([])) as {
        n: number;
      };
      return Number(row.n);
    },
  };
}

/** The least a durable, deduplicating inbox can do: see `node-bare-store`. */
async function bareStore(
  engine: Awaited<ReturnType<typeof barePostgres>>,
): Promise<{ store: (id: string, body: string) => Promise<void>; count: () => Promise<number> }> {
  const queue: Array<{ id: string; body: string; done: (error?: unknown) => void }> = [];
  let flushing = false;
  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, 512);
      let tx: BareTransaction | undefined;
      try {
        tx = await engine.begin();
        for (let start = 0; start < batch.length; start += 32) {
          const rows = batch.slice(start, start + 32);
          const at = new Date().toISOString();
          await tx.insert(
            rows.length,
            rows.flatMap((r) => [r.id, r.body, at]),
          );
        }
        await tx.end(true);
        for (const r of batch) r.done();
      } catch (error) {
        await tx?.end(false).catch(() => {});
        for (const r of batch) r.done(error);
      }
    }
    flushing = false;
  };
  return {
    store: (id, body) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ id, body, done: (error) => (error ? reject(error) : resolve()) });
        if (!flushing) {
          flushing = true;
          setImmediate(() => void flush());
        }
      }),
    count: engine.count,
  };
}

let listener: RequestListener;
let countStored = () => inbox.count();
// The generator's ceiling: answer at once, read nothing. Whatever this reaches, the generator can send.
if (mode === "node-ceiling") listener = (_req, res) => void res.writeHead(200).end('{"received":true}');
else if (mode === "node-bare") listener = bare;
else if (mode === "node-bare-store" || mode === "node-bare-append") {
  const append = mode === "node-bare-append";
  const { store, count } = await bareStore(
    process.env.DATABASE_URL && !append
      ? await barePostgres(process.env.DATABASE_URL)
      : await bareSqlite(join(dir, "bare.db"), append),
  );
  // The append-only inbox knows the ids it holds from memory (a real one would rebuild this at
  // start-up); a duplicate is stored once, acknowledged once the first copy's commit is.
  const stored = new Map<string, Promise<void>>();
  countStored = count;
  listener = async (req, res) => {
    const body = await readAll(req);
    if (!bareCheck(body, req.headers["cko-signature"] as string | undefined))
      return void res.writeHead(401).end("{}");
    const text = body.toString();
    const id = String((JSON.parse(text) as { id: unknown }).id);
    if (!append) await store(id, text);
    else {
      const storing = stored.get(id) ?? store(id, text);
      stored.set(id, storing);
      await storing;
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"received":true}');
  };
} else if (mode === "node-handoff") {
  const handle = createWebhookHandler(webhooks.receiver);
  listener = async (req, res) => {
    if (!(await handle(req, res))) res.writeHead(404).end();
  };
} else {
  const app = express();
  if (mode === "express-ceiling")
    app.post("/webhooks/checkoutdotcom", (_req, res) => void res.json({ received: true }));
  else if (mode === "express-bare")
    app.post("/webhooks/checkoutdotcom", express.raw({ type: "*/*" }), (req, res) => {
      const ok = bareCheck(req.body as Buffer, req.get("cko-signature"));
      res.status(ok ? 200 : 401).json(ok ? { received: true } : {});
    });
  else app.use("/webhooks/checkoutdotcom", createWebhookRouter(webhooks.receiver, logger));
  listener = app;
}

const server = createServer(listener);
server.keepAliveTimeout = 10_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.on("message", async (message: { type: string }) => {
  if (message.type === "count") process.send?.({ type: "count", stored: await countStored() });
  if (message.type === "commits") process.send?.({ type: "commits", ...commits });
  // CPU time of every thread of this process (libsql's commit threads included), in µs.
  if (message.type === "cpu") {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: "cpu", micros: user + system });
  }
});
exitOnStop(server, db, dir);
process.send?.({
  type: "ready",
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/checkoutdotcom`,
});
