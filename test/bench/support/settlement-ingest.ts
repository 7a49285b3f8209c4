import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as server from "@handoff/server";
import { openDatabase, type SqlClient } from "@handoff/server";
import { pino } from "pino";
import { addHistory } from "./history.js";

/**
 * The settlement benchmark's worker, in its own process so its resident memory is the ingest's
 * own: a shop with `orders` paid orders (SQLite), a Financial Actions report of `lines` lines for
 * them written to a file, then read through Handoff's settlement as Checkout.com would serve it
 * (`report_generated`, then the report's CSV streamed). Then the same lines again under a second
 * report id: nothing may change. Answers `{present: false}` when this build has no settlement.
 *
 * The hook: `createSettlement({ db, source, logger, now })` from @handoff/server, its
 * `reportAnnounced(eventId, { report_id })` and `drain()`; the source serves `getReport(id)` and
 * `openReportFile(id, fileId)` (an AsyncIterable of the file's bytes).
 */
type Settlement = {
  reportAnnounced(eventId: string, data: unknown): Promise<{ queued: boolean }>;
  drain(): Promise<void>;
  stop(): Promise<void>;
};
type CreateSettlement = (options: {
  db: SqlClient;
  source: unknown;
  logger: unknown;
  now: () => Date;
}) => Settlement;

const LINES_PER_PAYMENT = 4;
const FEES = [
  ["Authorization Fee", "Visa Acquirer Authorization Fee", "-0.0200"],
  ["Interchange Fee", "Visa Interchange Fee", "-0.03625000"],
  ["Scheme Variable Fee", "Visa Scheme Variable Fee", "-0.01015000"],
] as const;
const HEADER =
  "Action Type,Action ID,Payment ID,Reference,Requested On,Processed On,Processing Currency,Processing Currency Amount,Holding Currency,Holding Currency Amount,Transaction Currency,Transaction Currency Amount,Payout ID,Breakdown Type,Fee Detail,FX Rate Applied,Payment Method,Card Type,Card Category,Issuer Country";

/** The report: for each history order, its capture's gross and three fees, in exact decimals. */
async function writeReport(path: string, payments: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once("drain", resolve)));
  await write(`${HEADER}\n`);
  let chunk = "";
  for (let i = 0; i < payments; i++) {
    const pad = String(i).padStart(20, "0");
    const currency = i % 10 === 9 ? "USD" : i % 10 >= 7 ? "EUR" : "GBP";
    const gross = ((1450 * (1 + (i % 5))) / 100).toFixed(2);
    const at = "2026-10-02T10:00:00.000Z";
    const payout = `0000000${String(Math.floor(i / 10_000)).padStart(5, "0")}`;
    const row = (type: string, detail: string, amount: string) =>
      `Capture,act_hist${String(i).padStart(22, "0")},pay_hist${String(i).padStart(22, "0")},ord_hist${pad},${at},${at},${currency},${amount},${currency},${amount},${currency},${amount},${payout},${type},${detail},1,Visa,Credit,Consumer,GB\n`;
    chunk += row("Gross", "", gross);
    for (const [type, detail, amount] of FEES) chunk += row(type, detail, amount);
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  await new Promise<void>((resolve) => out.end(resolve));
}

/** Rows per table, except the reports' own bookkeeping: what a second read must leave as it is. */
async function fingerprint(db: SqlClient): Promise<Record<string, number>> {
  const { rows } = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const counts: Record<string, number> = {};
  for (const r of rows) {
    const name = String(r.name);
    if (/report/i.test(name)) continue;
    counts[name] = Number((await db.execute(`SELECT COUNT(*) AS n FROM ${name}`)).rows[0]?.n ?? 0);
  }
  return counts;
}

process.on("message", async (message: { type: string; lines?: number }) => {
  if (message.type !== "run") return;
  const createSettlement = (server as Record<string, unknown>).createSettlement as
    | CreateSettlement
    | undefined;
  if (typeof createSettlement !== "function") {
    process.send?.({ type: "run", present: false });
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), "handoff-settle-"));
  const db = await openDatabase(`file:${join(dir, "shop.db")}`);
  try {
    const payments = Math.ceil((message.lines ?? 0) / LINES_PER_PAYMENT);
    await addHistory(db, { from: 0, orders: payments, eventsPerOrder: 0 });
    const file = join(dir, "financial-actions.csv");
    await writeReport(file, payments);
    const source = {
      financialActions: async () => ({ kind: "found", actions: [] }),
      listReports: async () => ({ kind: "found", reports: [] }),
      balances: async () => ({ kind: "found", balances: [] }),
      getReport: async (id: string) => ({
        kind: "found",
        report: {
          id,
          type: "FinancialActionsByPayoutId",
          createdOn: "2026-10-03T00:00:00.000Z",
          files: [{ id: "file_bench", filename: "financial-actions.csv", format: "CSV" }],
        },
      }),
      openReportFile: async () => ({ kind: "opened", body: createReadStream(file) }),
    };
    const settlement = createSettlement({
      db,
      source,
      logger: pino({ level: "silent" }),
      now: () => new Date(),
    });
    let peak = 0;
    const start = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const read = async (reportId: string) => {
      const started = performance.now();
      await settlement.reportAnnounced(`evt_${reportId}`, { report_id: reportId });
      await settlement.drain();
      return (performance.now() - started) / 1000;
    };
    const seconds = await read("rpt_bench_first");
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const before = await fingerprint(db);
    const againSeconds = await read("rpt_bench_again");
    const after = await fingerprint(db);
    await settlement.stop();
    const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
    process.send?.({
      type: "run",
      present: true,
      lines: payments * LINES_PER_PAYMENT,
      seconds,
      againSeconds,
      rssStartMb: start / 1_048_576,
      rssPeakMb: peak / 1_048_576,
      changed,
      tables: after,
    });
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
process.on("message", (message: { type: string }) => {
  if (message.type === "stop") process.exit(0);
});
process.send?.({ type: "ready" });
