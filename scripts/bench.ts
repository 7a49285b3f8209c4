/**
 * Runs every benchmark in test/bench (files named *.bench.ts exporting `run()`), or those whose
 * file name contains the argument (`pnpm bench ingest`), prints one table and writes
 * bench-results.json. `--scale` runs the scale suite instead (*.scale.ts: a year of a busy shop,
 * filled and measured; `pnpm bench:scale`), too long for `pnpm bench`'s ten minutes. Benchmarks measure; they do not fail the build on slow machines, but each
 * result says whether it met its target (ARCHITECTURE §7) beside the baseline measured in the same run.
 */
import { readdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "<= 12 KB". */
  target?: string;
  /** What the figure is compared with, measured in the same run (the bare server, one fsync…). */
  baseline?: string;
  met?: boolean;
  /** The feature measured is not in this build: why the row has no figure ("not present: …"). */
  absent?: string;
  detail?: Record<string, unknown>;
}

/** One plain-text table: figure, value, target, same-run baseline, met / NOT met. */
function printTable(rows: BenchResult[]): void {
  const cells = rows.map((r) => [
    r.name,
    r.absent ? "—" : `${formatValue(r.value)} ${r.unit}`,
    r.target ?? "",
    r.absent ?? r.baseline ?? "",
    r.absent ? "not present" : r.met === undefined ? "" : r.met ? "met" : "NOT met",
  ]);
  const header = ["figure", "value", "target", "same-run baseline", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" │ ");
  console.log(`\n${line(header)}\n${widths.map((w) => "─".repeat(w)).join("─┼─")}`);
  for (const c of cells) console.log(line(c));
  const missed = rows.filter((r) => r.met === false).length;
  const absent = rows.filter((r) => r.absent).length;
  console.log(
    `\n${rows.filter((r) => r.met !== undefined).length - missed} targets met, ${missed} NOT met${absent ? `, ${absent} not present` : ""}.\n`,
  );
}

function formatValue(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-GB");
  return value.toFixed(2);
}

const dir = resolve(import.meta.dirname, "../test/bench");
const args = process.argv.slice(2);
const suffix = args.includes("--scale") ? ".scale.ts" : ".bench.ts";
const files = (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort();
const only = args.find((a) => !a.startsWith("--"));
const results: BenchResult[] = [];
for (const file of files) {
  if (only && !file.includes(only)) continue;
  console.log(`▶ ${file}`);
  const started = performance.now();
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run: () => Promise<BenchResult[]> };
  results.push(...(await mod.run()));
  // What each file costs, so the whole run can be kept within its ten minutes.
  console.log(`  ${file} took ${Math.round((performance.now() - started) / 1000)} s`);
}

const out = resolve(
  import.meta.dirname,
  suffix === ".scale.ts" ? "../bench-scale-results.json" : "../bench-results.json",
);
await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
if (results.length === 0) {
  console.log("No benchmarks yet (test/bench/*.bench.ts). Wrote an empty bench-results.json.");
} else {
  printTable(results);
}
console.log(`Wrote ${out}`);
