import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";

/**
 * Settlement at volume: a Financial Actions report of HANDOFF_BENCH_SETTLEMENT_LINES lines (default
 * 1M) for a shop's captured orders, read by Handoff's settlement as Checkout.com serves it (see
 * support/settlement-ingest.ts): ≥ 50k lines/s with resident memory under 150 MB, and reading the
 * same lines again under another report changes nothing. "not present" until the build has
 * settlement (`createSettlement` in @handoff/server).
 */
const LINES = Number(process.env.HANDOFF_BENCH_SETTLEMENT_LINES ?? 1_000_000);

export async function run(): Promise<BenchResult[]> {
  const worker = await forkTs(resolve(import.meta.dirname, "support/settlement-ingest.ts"));
  try {
    const r = await worker.ask<{
      present: boolean;
      lines: number;
      seconds: number;
      againSeconds: number;
      rssStartMb: number;
      rssPeakMb: number;
      changed: string[];
    }>("run", { lines: LINES });
    const label = `${LINES.toLocaleString("en-GB")}-line Financial Actions report`;
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
    const rate = r.lines / r.seconds;
    return [
      {
        name: `settlement: ingest a ${label}`,
        value: rate,
        unit: "lines/s",
        target: ">= 50,000 lines/s",
        met: rate >= 50_000,
        baseline: `${r.lines.toLocaleString("en-GB")} lines in ${r.seconds.toFixed(1)} s (SQLite, synchronous=FULL)`,
      },
      {
        name: "settlement: resident memory while ingesting",
        value: r.rssPeakMb,
        unit: "MB",
        target: "< 150 MB",
        met: r.rssPeakMb < 150,
        baseline: `before ${r.rssStartMb.toFixed(0)} MB`,
      },
      {
        name: "settlement: the same lines read again change nothing",
        value: r.changed.length,
        unit: "tables changed",
        target: "0",
        met: r.changed.length === 0,
        baseline: `second read ${r.againSeconds.toFixed(1)} s${r.changed.length ? `; changed: ${r.changed.join(", ")}` : ""}`,
      },
    ];
  } finally {
    await worker.stop();
  }
}
