import { appendFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import pg from "pg";
import type { BenchResult } from "../../scripts/bench.js";
import { startPostgres } from "../../scripts/postgres.mjs";
import { type Child, forkTs } from "./support/child.js";
import { HISTORY_START, historyEmail, historyLast4, historyOrderId } from "./support/history.js";
import { OPERATOR, signIn, timeOpsGet } from "./support/ops-operator.js";
import { percentile } from "./support/stats.js";

/**
 * The ops console on a year of a busy shop: HANDOFF_BENCH_ORDERS orders (default 1M) with their
 * attempts and timelines and HANDOFF_BENCH_EVENTS_PER_ORDER webhook events each (default 10, so
 * 10M), on SQLite and on PostgreSQL (HANDOFF_BENCH_ENGINES, default both). Every page and API call
 * an operator uses is timed over HTTP, one request at a time, first with 1k orders (the same-run
 * baseline) and then at full size: p95 ≤ 100 ms each. The SQL each one ran is EXPLAINed into
 * bench-explain.md. The CSV export (100k orders) is timed for rows/s and resident memory when the
 * console has one; otherwise its row says "not present".
 */
const ORDERS = Number(process.env.HANDOFF_BENCH_ORDERS ?? 1_000_000);
const EVENTS_PER_ORDER = Number(process.env.HANDOFF_BENCH_EVENTS_PER_ORDER ?? 10);
const ENGINES = (process.env.HANDOFF_BENCH_ENGINES ?? "sqlite,postgres").split(",");
const BASE_ORDERS = Math.min(1_000, ORDERS);
/** Orders written per transaction while filling. */
const CHUNK = 100_000;
const SAMPLES = 20;
const WARM_UP = 3;
const TARGET_MS = 100;
const TIMELINE_ROWS = 500;
const EXPORT_ROWS = 100_000;
const EXPLAIN_FILE = resolve(import.meta.dirname, "../../bench-explain.md");

/** The event id the fill gave event `i` (see history.ts: six letters from a hash, then the number). */
function historyEventId(i: number): string {
  const hash = (BigInt(i) * 2_654_435_761n) % 308_915_776n;
  let letters = "";
  for (let k = 0; k < 6; k++) letters += String.fromCharCode(97 + Number((hash / 26n ** BigInt(k)) % 26n));
  return `evt_${letters}${String(i).padStart(20, "0")}`;
}

interface Route {
  name: string;
  path: string;
  api: boolean;
}

function routes(longOrder: string, page100: string): Route[] {
  const probe = 500;
  const month = "from=2025-10-01&to=2025-10-31";
  const list: Array<[string, string]> = [
    ["orders, page 1", "/orders"],
    ["orders, page 100", `/orders?after=${encodeURIComponent(page100)}`],
    ["search by order id", `/orders?q=${historyOrderId(probe)}`],
    ["search by email", `/orders?q=${encodeURIComponent(historyEmail(probe).replace("shopper", "Shopper"))}`],
    // What support staff type: the address up to the @ (a range on the email index).
    [
      "search by email prefix",
      `/orders?q=${encodeURIComponent(historyEmail(probe).replace("shopper", "Shopper").split("@")[0] ?? "")}%40`,
    ],
    ["search by card last four", `/orders?q=${historyLast4(probe)}`],
    ["filter status refunded", "/orders?status=refunded"],
    ["filter held for review", "/orders?review=yes"],
    ["filter currency USD", "/orders?currency=USD"],
    ["filter one month", `/orders?${month}`],
    ["filter disputed", "/orders?disputed=yes"],
    ["filter status + currency + month", `/orders?status=captured&currency=EUR&${month}`],
    [`order with ${TIMELINE_ROWS} timeline rows`, `/orders/${longOrder}`],
    ["webhook inbox", "/webhooks"],
    ["webhook inbox, search event id", `/webhooks?q=${historyEventId(probe * EVENTS_PER_ORDER + 3)}`],
    ["webhook inbox, search order id", `/webhooks?q=${historyOrderId(probe)}`],
    ["webhook inbox, search type", "/webhooks?q=payment_captured"],
    ["disputes", "/disputes"],
  ];
  const pages = list.map(([name, path]) => ({
    name: `page: ${name}`,
    // The pages' list of orders is the console's root; the review queue has its own page.
    path: path === "/orders?review=yes" ? "/review" : path.replace(/^\/orders(\?|$)/, "/$1"),
    api: false,
  }));
  return [
    ...list.map(([name, path]) => ({ name: `API: ${name}`, path: `/api${path}`, api: true })),
    ...pages,
  ];
}

/** The cursor of page `n` of the orders list, walked as an operator would, one "next" at a time. */
async function cursorOfPage(base: string, n: number): Promise<{ cursor: string; page: number }> {
  let cursor = "";
  let page = 1;
  while (page < n) {
    const response = await fetch(
      `${base}/api/orders${cursor ? `?after=${encodeURIComponent(cursor)}` : ""}`,
      {
        headers: { authorization: `Bearer ${OPERATOR.token}` },
      },
    );
    const { next } = (await response.json()) as { next?: string };
    if (!next) break;
    cursor = next;
    page++;
  }
  return { cursor, page };
}

function timeRoute(base: string, cookie: string, route: Route): Promise<number[]> {
  return timeOpsGet(base, route.path, { api: route.api, cookie, warmUp: WARM_UP, samples: SAMPLES });
}

/** The CSV export of EXPORT_ROWS orders (a date range holding that many), streamed: rows/s and memory. */
async function timeExport(
  ops: Child,
  base: string,
  cookie: string,
): Promise<
  | { present: false; tried: string }
  | { present: true; rows: number; rate: number; rssGrowthMb: number; path: string }
> {
  const days = Math.min(365, Math.ceil(EXPORT_ROWS / (ORDERS / 365)));
  const to = new Date(HISTORY_START + (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const query = `from=2025-10-01&to=${to}`;
  const candidates: Array<{ path: string; headers: Record<string, string> }> = [
    { path: `/orders.csv?${query}`, headers: { cookie } },
    { path: `/api/orders.csv?${query}`, headers: { authorization: `Bearer ${OPERATOR.token}` } },
  ];
  for (const c of candidates) {
    await ops.ask("rss", { on: true });
    const started = performance.now();
    const response = await fetch(`${base}${c.path}`, { headers: c.headers });
    if (response.status === 404 || !/csv/.test(response.headers.get("content-type") ?? "")) {
      await response.arrayBuffer();
      await ops.ask("rss", { on: false });
      continue;
    }
    let lines = 0;
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const ch of decoder.decode(chunk, { stream: true })) if (ch === "\n") lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    const memory = await ops.ask<{ start: number; peak: number }>("rss", { on: false });
    const rows = Math.max(0, lines - 1);
    return {
      present: true,
      rows,
      rate: rows / seconds,
      rssGrowthMb: (memory.peak - memory.start) / 1_048_576,
      path: c.path,
    };
  }
  return { present: false, tried: candidates.map((c) => c.path.split("?")[0]).join(" and ") };
}

async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}

async function measureEngine(engine: string, sandbox: Child, databaseUrl?: string): Promise<BenchResult[]> {
  const { url, secretKey } = sandbox.ready as { url: string; secretKey: string };
  const ops = await forkTs(
    resolve(import.meta.dirname, "support/ops-server.ts"),
    [url, secretKey],
    databaseUrl ? { DATABASE_URL: databaseUrl } : {},
  );
  const base = String(ops.ready.url);
  const label = engine === "postgres" ? "PostgreSQL" : "SQLite";
  const results: BenchResult[] = [];
  try {
    const fill = (orders: number) =>
      ops.ask<{ ms: number }>("fill", { orders, span: ORDERS, eventsPerOrder: EVENTS_PER_ORDER });
    await fill(BASE_ORDERS);
    const { tokens } = await sandbox.ask<{ tokens: string[] }>("tokens", { count: 1 });
    const { orderId } = await ops.ask<{ orderId: string }>("long-order", {
      token: tokens[0],
      entries: TIMELINE_ROWS,
    });
    const cookie = await signIn(base);
    // The disputes list is Checkout.com's: its own answer, alone, is that row's same-run baseline.
    const disputesAlone: number[] = [];
    for (let i = 0; i < WARM_UP + SAMPLES; i++) {
      const started = performance.now();
      const response = await fetch(`${url}/disputes?limit=250`, {
        headers: { authorization: `Bearer ${secretKey}` },
      });
      await response.arrayBuffer();
      if (i >= WARM_UP) disputesAlone.push(performance.now() - started);
    }
    const timeAll = async (explain: boolean) => {
      const found = await cursorOfPage(base, 100);
      const timed = new Map<
        string,
        { p50: number; p95: number; page: number; sqlMs: number; statements: number }
      >();
      for (const route of routes(orderId, found.cursor)) {
        await ops.ask("statements");
        const samples = await timeRoute(base, cookie, route);
        const { statements } = await ops.ask<{ statements: Array<{ sql: string; args: []; ms: number }> }>(
          "statements",
        );
        const perRequest = statements.length / (SAMPLES + WARM_UP);
        const sqlMs = statements.reduce((n, s) => n + s.ms, 0) / (SAMPLES + WARM_UP);
        timed.set(route.name, {
          p50: percentile(samples, 50),
          p95: percentile(samples, 95),
          page: found.page,
          sqlMs,
          statements: perRequest,
        });
        if (explain) {
          const last = statements.slice(-Math.ceil(perRequest));
          const { plans } = await ops.ask<{ plans: string[] }>("explain", { statements: last });
          await appendFile(
            EXPLAIN_FILE,
            `\n## ${label}, ${ORDERS.toLocaleString("en-GB")} orders: ${route.name}\n\n\`\`\`\n${plans.join("\n\n")}\n\`\`\`\n`,
          );
        }
      }
      return timed;
    };
    const baseline = await timeAll(false);
    const started = performance.now();
    for (let have = BASE_ORDERS; have < ORDERS; have += CHUNK) await fill(Math.min(CHUNK, ORDERS - have));
    const fillSeconds = (performance.now() - started) / 1000;
    const full = await timeAll(true);
    const scale = `${(ORDERS / 1000).toLocaleString("en-GB")}k orders, ${((ORDERS * EVENTS_PER_ORDER) / 1_000_000).toLocaleString("en-GB")}M events`;
    results.push({
      name: `${label}: fill ${scale}`,
      value: fillSeconds,
      unit: "s",
      baseline: "set-based SQL, in transactions of 100k orders",
    });
    for (const [name, m] of full) {
      const b = baseline.get(name);
      const pageNote = name.includes("page 100") ? ` (page ${b?.page})` : "";
      results.push({
        name: `${label} ${scale}: ${name}${name.includes("page 100") && m.page !== 100 ? ` (page ${m.page})` : ""}`,
        value: m.p95,
        unit: "ms p95",
        target: `<= ${TARGET_MS} ms`,
        met: m.p95 <= TARGET_MS,
        baseline: `1k orders${pageNote}: p95 ${b?.p95.toFixed(1)} ms; now p50 ${m.p50.toFixed(1)} ms, SQL ${m.sqlMs.toFixed(1)} ms in ${m.statements.toFixed(0)} statements${name.endsWith("disputes") ? `; Checkout.com's GET /disputes (sandbox, 250) alone p95 ${percentile(disputesAlone, 95).toFixed(1)} ms` : ""}`,
      });
    }
    const exported = await timeExport(ops, base, cookie);
    if (exported.present)
      results.push(
        {
          name: `${label} ${scale}: CSV export of ${exported.rows.toLocaleString("en-GB")} orders`,
          value: exported.rate,
          unit: "rows/s",
          target: ">= 20,000 rows/s",
          met: exported.rate >= 20_000 && exported.rows >= Math.min(EXPORT_ROWS, ORDERS) * 0.9,
          baseline: exported.path,
        },
        {
          name: `${label} ${scale}: CSV export, resident memory growth`,
          value: exported.rssGrowthMb,
          unit: "MB",
          target: "<= 64 MB (streamed: flat)",
          met: exported.rssGrowthMb <= 64,
        },
      );
    else
      results.push({
        name: `${label} ${scale}: CSV export of ${EXPORT_ROWS.toLocaleString("en-GB")} orders`,
        value: Number.NaN,
        unit: "rows/s",
        target: ">= 20,000 rows/s, flat RSS",
        absent: `not present: ${exported.tried} answered 404`,
      });
  } finally {
    await ops.stop();
  }
  return results;
}

export async function run(): Promise<BenchResult[]> {
  await writeFile(
    EXPLAIN_FILE,
    `# Query plans of the ops console at ${ORDERS.toLocaleString("en-GB")} orders\n\nWritten by test/bench/ops.scale.ts on ${new Date().toISOString()}.\n`,
  );
  const sandbox = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  await sandbox.ask("disputes", { count: 250 });
  const results: BenchResult[] = [];
  try {
    for (const engine of ENGINES) {
      if (engine === "postgres") {
        const server = await startPostgres({ durable: true });
        try {
          results.push(
            ...(await measureEngine(engine, sandbox, await freshDatabase(server.url, "ops_scale"))),
          );
        } finally {
          server.stop();
        }
      } else results.push(...(await measureEngine(engine, sandbox)));
    }
  } finally {
    await sandbox.stop();
  }
  return results;
}
