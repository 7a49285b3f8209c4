import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { OPERATOR, signIn, timeOpsGet } from "./support/ops-operator.js";
import { prepareShop } from "./support/settlement-report.js";
import { percentile } from "./support/stats.js";

/**
 * Settlement at volume: a Financial Actions report of HANDOFF_BENCH_SETTLEMENT_LINES lines (default
 * 1M, whole payments, so a few more) for a shop's orders, shaped like Checkout.com's (see
 * support/settlement-report.ts), read by Handoff's settlement in a process of its own running the
 * built package with plain `node`, as a merchant runs it: ≥ 50k lines/s with resident memory
 * under 150 MB (the process's peak, beside what it held before reading a line), every order ending
 * as it should (settled, or the held-for-review ones a mismatch), and reading the same lines again
 * under another report changes nothing. Then the ops console's payout pages and API over what it
 * stored, as an operator reads them the morning after: p95 ≤ 100 ms each, as every ops page. Needs
 * the build (`pnpm bench:scale` builds first).
 */
const LINES = Number(process.env.HANDOFF_BENCH_SETTLEMENT_LINES ?? 1_000_000);

interface Ingested {
  present: boolean;
  seconds: number;
  cpuSeconds: number;
  againSeconds: number;
  rssStartMb: number;
  rssPeakMb: number;
  statuses: Record<string, number>;
  events: number;
  lines: number;
  changed: string[];
}

/** The worker in plain node (no tsx, no source condition: @handoff/server resolves to its dist). */
async function ingestInWorker(payload: { dbPath: string; reportPath: string }): Promise<Ingested> {
  const child = fork(resolve(import.meta.dirname, "support/settlement-ingest.mjs"), [], {
    // BENCH_CPU_PROF=<dir> writes the worker's CPU profile there, to see where its time goes.
    execArgv: process.env.BENCH_CPU_PROF
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((done, fail) => {
      const onExit = (code: number | null) => fail(new Error(`settlement worker exited with ${code}`));
      child.once("exit", onExit);
      child.on("message", function onMessage(message: { type?: string }) {
        if (message.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        done(message as Record<string, unknown>);
      });
    });
  try {
    await next("ready");
    const answer = next("run");
    child.send({ type: "run", ...payload });
    return (await answer) as unknown as Ingested;
  } finally {
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.send({ type: "stop" });
    await exited;
  }
}

/** The console's payout pages and API over the settled shop, each GET timed as ops.scale.ts times its routes. */
async function timePayoutPages(dbPath: string): Promise<BenchResult[]> {
  // The settlement loop is not started, so the processor it is given is never called.
  const ops = await forkTs(
    resolve(import.meta.dirname, "support/ops-server.ts"),
    ["http://127.0.0.1:9", "sk_sbox_settlementbenchsettlementbench"],
    { DATABASE_URL: `file:${dbPath}`, BENCH_SETTLEMENT: "1" },
  );
  try {
    const base = String(ops.ready.url);
    const cookie = await signIn(base);
    const listed = (await (
      await fetch(`${base}/api/payouts`, { headers: { authorization: `Bearer ${OPERATOR.token}` } })
    ).json()) as { data: Array<{ payoutId: string; orders: number }> };
    const biggest = [...listed.data].sort((a, b) => b.orders - a.orders)[0];
    if (!biggest) throw new Error("the settled shop lists no payout");
    const routes: Array<[string, string, boolean]> = [
      ["page: payouts", "/payouts", false],
      [
        `page: a payout of ${biggest.orders.toLocaleString("en-GB")} orders`,
        `/payouts/${biggest.payoutId}`,
        false,
      ],
      ["page: settlement exceptions", "/settlement/exceptions", false],
      ["API: payouts", "/api/payouts", true],
      [
        `API: a payout of ${biggest.orders.toLocaleString("en-GB")} orders`,
        `/api/payouts/${biggest.payoutId}`,
        true,
      ],
    ];
    const results: BenchResult[] = [];
    for (const [name, path, api] of routes) {
      const samples = await timeOpsGet(base, path, { api, cookie, warmUp: 3, samples: 20 });
      const p95 = percentile(samples, 95);
      results.push({
        name: `settlement: ops ${name}`,
        value: p95,
        unit: "ms p95",
        target: "<= 100 ms",
        met: p95 <= 100,
        baseline: `p50 ${percentile(samples, 50).toFixed(1)} ms; ${listed.data.length} payouts listed`,
      });
    }
    return results;
  } finally {
    await ops.stop();
  }
}

export async function run(): Promise<BenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), "handoff-settle-"));
  try {
    const shop = await prepareShop(dir, LINES);
    const r = await ingestInWorker({ dbPath: shop.dbPath, reportPath: shop.reportPath });
    const label = `${shop.lines.toLocaleString("en-GB")}-line Financial Actions report`;
    if (!r.present)
      return [
        {
          name: `settlement: ingest a ${label}`,
          value: Number.NaN,
          unit: "lines/s",
          target: ">= 50,000 lines/s, RSS < 150 MB, re-ingest changes nothing",
          absent: "not present: @handoff/server has no createSettlement",
        },
      ];
    const rate = shop.lines / r.seconds;
    const ended = Object.entries(r.statuses)
      .map(([status, n]) => `${status} ${n.toLocaleString("en-GB")}`)
      .join(", ");
    const wanted = Object.entries(shop.expected)
      .map(([status, n]) => `${status} ${n.toLocaleString("en-GB")}`)
      .join(", ");
    const asExpected =
      r.lines === shop.lines &&
      r.events === shop.settledEvents &&
      Object.keys({ ...r.statuses, ...shop.expected }).every(
        (s) => (r.statuses[s] ?? 0) === (shop.expected[s] ?? 0),
      );
    const pages = await timePayoutPages(shop.dbPath);
    return [
      {
        name: `settlement: ingest a ${label}`,
        value: rate,
        unit: "lines/s",
        target: ">= 50,000 lines/s",
        met: rate >= 50_000,
        baseline: `${shop.lines.toLocaleString("en-GB")} lines in ${r.seconds.toFixed(1)} s, ${r.cpuSeconds.toFixed(1)} s of CPU (built package, plain node, SQLite, synchronous=FULL)`,
      },
      {
        name: "settlement: resident memory while ingesting (peak)",
        value: r.rssPeakMb,
        unit: "MB",
        target: "< 150 MB",
        met: r.rssPeakMb < 150,
        baseline: `before reading a line ${r.rssStartMb.toFixed(0)} MB`,
      },
      {
        name: "settlement: orders as reconciled",
        value: r.statuses.settled ?? 0,
        unit: "settled",
        target: wanted,
        met: asExpected,
        baseline: `${ended}; ${r.events.toLocaleString("en-GB")} order.settled events; ${r.lines.toLocaleString("en-GB")} lines stored`,
      },
      {
        name: "settlement: the same lines read again change nothing",
        value: r.changed.length,
        unit: "tables changed",
        target: "0",
        met: r.changed.length === 0,
        baseline: `second read ${r.againSeconds.toFixed(1)} s${r.changed.length ? `; changed: ${r.changed.join(", ")}` : ""}`,
      },
      ...pages,
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
