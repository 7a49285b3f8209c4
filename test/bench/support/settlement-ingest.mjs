import { createReadStream } from "node:fs";
import * as server from "@handoff/server";
import { pino } from "pino";

/**
 * The settlement benchmark's measured process, run as a merchant runs Handoff: plain `node` and the
 * built package (@handoff/server's dist), no TypeScript loader, so its memory is what a shop's
 * server would take. Plain JavaScript for that reason. It opens the shop settlement-report.ts
 * prepared, reads the report through Handoff's settlement as Checkout.com would serve it
 * (`report_generated`, then the report's CSV streamed), then the same file again under another
 * report id: nothing may change. Answers `{present: false}` when this build has no settlement.
 */

/** Resident memory now and the process's peak so far (the kernel's high-water mark), in bytes. */
function memory() {
  return { rss: process.memoryUsage().rss, peak: process.resourceUsage().maxRSS * 1024 };
}

/** Rows per table, except the reports' own bookkeeping: what a second read must leave as it is. */
async function fingerprint(db) {
  const { rows } = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const counts = {};
  for (const r of rows) {
    const name = String(r.name);
    if (/report/i.test(name)) continue;
    counts[name] = Number((await db.execute(`SELECT COUNT(*) AS n FROM ${name}`)).rows[0]?.n ?? 0);
  }
  return counts;
}

async function run({ dbPath, reportPath }) {
  if (typeof server.createSettlement !== "function") return { present: false };
  const db = await server.openDatabase(`file:${dbPath}`);
  try {
    const source = {
      financialActions: async () => ({ kind: "found", actions: [] }),
      listReports: async () => ({ kind: "found", reports: [] }),
      balances: async () => ({ kind: "found", balances: [] }),
      getReport: async (id) => ({
        kind: "found",
        report: {
          id,
          type: "FinancialActions",
          createdOn: "2026-10-01T00:00:00.000Z",
          files: [{ id: "file_bench", filename: "financial-actions.csv", format: "CSV" }],
        },
      }),
      openReportFile: async () => ({ kind: "opened", body: createReadStream(reportPath) }),
    };
    const settlement = server.createSettlement({
      db,
      source,
      logger: pino({ level: "silent" }),
      now: () => new Date(),
    });
    // Wall time, and the process's CPU time (every thread): on a shared machine the second says
    // what the ingest itself cost when the first is stretched by other work.
    let cpuSeconds = 0;
    const read = async (reportId) => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      await settlement.reportAnnounced(`evt_${reportId}`, { report_id: reportId });
      await settlement.drain();
      const used = process.cpuUsage(cpu);
      cpuSeconds = (used.user + used.system) / 1e6;
      return (performance.now() - started) / 1000;
    };
    // As in a server that has been up: the loop's first pass (which queues every captured payment
    // of the shop to ask Checkout.com about) ran long before a report came, and what it wrote
    // has long been checkpointed from the WAL into the database.
    await settlement.drain();
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    const before = memory();
    let sampled = before.rss;
    const sampler = setInterval(() => {
      // rss() alone: memoryUsage() also walks the V8 heap, and every 20 ms that is the sampler's cost in the figure.
      sampled = Math.max(sampled, process.memoryUsage.rss());
    }, 20);
    const seconds = await read("rpt_bench_first");
    const firstCpuSeconds = cpuSeconds;
    clearInterval(sampler);
    const after = memory();
    const statuses = {};
    for (const r of (await db.execute("SELECT status, COUNT(*) AS n FROM settlement_orders GROUP BY status"))
      .rows)
      statuses[String(r.status)] = Number(r.n);
    const events = Number(
      (await db.execute("SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.settled'")).rows[0]?.n ?? 0,
    );
    const lines = Number((await db.execute("SELECT COUNT(*) AS n FROM settlement_lines")).rows[0]?.n ?? 0);
    const first = await fingerprint(db);
    const againSeconds = await read("rpt_bench_again");
    const second = await fingerprint(db);
    await settlement.stop();
    return {
      present: true,
      seconds,
      cpuSeconds: firstCpuSeconds,
      againSeconds,
      rssStartMb: before.rss / 1_048_576,
      rssPeakMb: Math.max(after.peak, sampled) / 1_048_576,
      statuses,
      events,
      lines,
      changed: Object.keys({ ...first, ...second }).filter((t) => first[t] !== second[t]),
    };
  } finally {
    await db.close();
  }
}

process.on("message", async (message) => {
  if (message.type === "stop") process.exit(0);
  if (message.type !== "run") return;
  process.send({ type: "run", ...(await run(message)) });
});
process.send({ type: "ready" });
