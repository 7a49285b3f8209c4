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
import pg from "pg";
import { pino } from "pino";
import { INGEST_KEY as KEY } from "./ingest.js";
import { exitOnStop } from "./server-process.js";

/**
 * One webhook server per process for the ingest benchmarks: a bare HMAC-only server or Handoff's
 * adapter (verify + durable store + ack, worker off), on node:http or Express. `node-bare-store`
 * is the bare server that also stores: HMAC, then each event's id and body in one
 * `INSERT … ON CONFLICT DO NOTHING` row, batched as Handoff batches (what arrives while a write
 * is in flight goes in the next transaction, 32 rows a statement), into the PostgreSQL that
 * DATABASE_URL names, with `pg` and nothing of Handoff's.
 */
const mode = process.argv[2] as
  | "node-ceiling"
  | "node-bare"
  | "node-bare-store"
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
const logger = pino({ level: "silent" });
const webhooks = createWebhooks({
  db,
  deps: { logger, now: () => new Date() } as unknown as HandoffDeps,
  signatureKeys: [KEY],
});
const inbox = new SqlWebhookInbox(db);

/** The least a durable, deduplicating inbox can do on PostgreSQL: see `node-bare-store`. */
async function bareStore(
  url: string,
): Promise<{ store: (id: string, body: string) => Promise<void>; count: () => Promise<number> }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query(
    "CREATE TABLE IF NOT EXISTS bare_events (id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at TEXT NOT NULL)",
  );
  const queue: Array<{ id: string; body: string; done: (error?: unknown) => void }> = [];
  let flushing = false;
  const statement = (rows: number) =>
    `INSERT INTO bare_events (id, body, received_at) VALUES ${Array.from({ length: rows }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(", ")} ON CONFLICT (id) DO NOTHING`;
  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, 512);
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        for (let start = 0; start < batch.length; start += 32) {
          const rows = batch.slice(start, start + 32);
          const at = new Date().toISOString();
          await client.query({
            name: `bare${rows.length}`,
            text: statement(rows.length),
            values: rows.flatMap((r) => [r.id, r.body, at]),
          });
        }
        await client.query("COMMIT");
        for (const r of batch) r.done();
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        for (const r of batch) r.done(error);
      } finally {
        client.release();
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
    count: async () => Number((await pool.query("SELECT COUNT(*) AS n FROM bare_events")).rows[0]?.n ?? 0),
  };
}

let listener: RequestListener;
let countStored = () => inbox.count();
// The generator's ceiling: answer at once, read nothing. Whatever this reaches, the generator can send.
if (mode === "node-ceiling") listener = (_req, res) => void res.writeHead(200).end('{"received":true}');
else if (mode === "node-bare") listener = bare;
else if (mode === "node-bare-store") {
  const { store, count } = await bareStore(process.env.DATABASE_URL ?? "");
  countStored = count;
  listener = async (req, res) => {
    const body = await readAll(req);
    if (!bareCheck(body, req.headers["cko-signature"] as string | undefined))
      return void res.writeHead(401).end("{}");
    const text = body.toString();
    await store(String((JSON.parse(text) as { id: unknown }).id), text);
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
