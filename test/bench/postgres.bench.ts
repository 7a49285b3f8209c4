import { resolve } from "node:path";
import pg from "pg";
import type { BenchResult } from "../../scripts/bench.js";
import { startPostgres } from "../../scripts/postgres.mjs";
import { type Child, forkTs } from "./support/child.js";
import { signedEvents } from "./support/ingest.js";
import { percentile, timeEach } from "./support/stats.js";
import { wrkBlast } from "./support/wrk.js";

/**
 * The store on PostgreSQL (Debian's server, private, fsync on) beside SQLite, measured the same
 * way: webhook ingest through node:http (verify + durable insert + ack) and confirm latency over
 * HTTP, with one instance and with two instances sharing the database. Everything (PostgreSQL,
 * the instances, the sandbox, the load generator) shares this machine's cores, so two instances
 * show contention as much as scale-out.
 */
const SECONDS = 4;
/** More than a run can send in SECONDS: no event is sent twice. */
const EVENTS = 120_000;
const CONNECTIONS = 64;
const CONFIRMS = 300;

async function ingest(databaseUrl: string | undefined, instances: number, run: string) {
  const env: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
  const children = await Promise.all(
    Array.from({ length: instances }, () =>
      forkTs(resolve(import.meta.dirname, "support/webhook-server.ts"), ["node-handoff"], env),
    ),
  );
  // One wrk per instance, each with its own events, all at once: together they are the load.
  const results = await Promise.all(
    children.map((child, i) =>
      wrkBlast(String(child.ready.url), signedEvents(`${run}${i}`, EVENTS / instances), {
        connections: CONNECTIONS / instances,
        seconds: SECONDS,
        threads: 1,
      }),
    ),
  );
  const stored = (await children[0]?.ask<{ stored: number }>("count"))?.stored ?? 0;
  await Promise.all(children.map((c) => c.stop()));
  const acked = results.reduce((n, r) => n + r.acked, 0);
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const failures = results.reduce((n, r) => n + r.failures, 0);
  return {
    rate: results.reduce((n, r) => n + r.rate, 0),
    p99: Math.max(...results.map((r) => r.p99)),
    acked,
    sent,
    stored,
    failures,
  };
}

async function confirmLatency(databaseUrl: string | undefined, instances: number, sandbox: Child) {
  const { url, secretKey } = sandbox.ready as { url: string; secretKey: string };
  const env: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
  const shops = await Promise.all(
    Array.from({ length: instances }, () =>
      forkTs(resolve(import.meta.dirname, "support/confirm-server.ts"), [url, secretKey], env),
    ),
  );
  const perShop = Math.ceil(CONFIRMS / instances) + 20;
  const samples = await Promise.all(
    shops.map(async (shop) => {
      const { carts } = await shop.ask<{ carts: string[] }>("carts", { count: perShop });
      const { tokens } = await sandbox.ask<{ tokens: string[] }>("tokens", { count: perShop });
      return timeEach(perShop - 20, 20, async (i) => {
        const response = await fetch(String(shop.ready.url), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ cartId: carts[i], processorToken: tokens[i] }),
        });
        if (response.status !== 200) throw new Error(`confirm answered ${response.status}`);
      });
    }),
  );
  await Promise.all(shops.map((s) => s.stop()));
  const all = samples.flat();
  return { p50: percentile(all, 50), p99: percentile(all, 99) };
}

/** A new empty database on the server, so each case starts from nothing. */
async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}

export async function run(): Promise<BenchResult[]> {
  const server = await startPostgres({ durable: true });
  const sandbox = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  const results: BenchResult[] = [];
  try {
    const cases = [
      { label: "SQLite, 1 instance", engine: "sqlite", instances: 1 },
      { label: "PostgreSQL, 1 instance", engine: "postgres", instances: 1 },
      { label: "PostgreSQL, 2 instances", engine: "postgres", instances: 2 },
    ];
    const fresh = async (engine: string, name: string) =>
      engine === "postgres" ? freshDatabase(server.url, name) : undefined;
    for (const [i, c] of cases.entries()) {
      const ingested = await ingest(await fresh(c.engine, `ingest${i}`), c.instances, `pg${i}`);
      results.push(
        {
          name: `ingest ${c.label}`,
          value: ingested.rate,
          unit: "events/s",
          detail: { p99_ms: ingested.p99, acked: ingested.acked, stored: ingested.stored, seconds: SECONDS },
        },
        {
          name: `ingest ${c.label}: every acknowledged event stored`,
          value: ingested.stored,
          unit: "events",
          target: `>= ${ingested.acked} acked`,
          met:
            ingested.failures === 0 && ingested.stored >= ingested.acked && ingested.stored <= ingested.sent,
        },
      );
    }
    for (const [i, c] of cases.entries()) {
      const latency = await confirmLatency(await fresh(c.engine, `confirm${i}`), c.instances, sandbox);
      results.push({
        name: `confirm over HTTP p50, ${c.label}`,
        value: latency.p50,
        unit: "ms",
        detail: { p99_ms: latency.p99, confirms: CONFIRMS },
      });
    }
  } finally {
    await sandbox.stop();
    server.stop();
  }
  return results;
}
