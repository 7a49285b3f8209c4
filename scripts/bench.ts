/**
 * Runs every benchmark in test/bench (files named *.bench.ts exporting `run()`), prints a table
 * and writes bench-results.json. Benchmarks measure; they do not fail the build on slow machines,
 * but each result says whether it met its ARCHITECTURE §7 target.
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
  met?: boolean;
  detail?: Record<string, unknown>;
}

const dir = resolve(import.meta.dirname, "../test/bench");
const files = (await readdir(dir)).filter((f) => f.endsWith(".bench.ts")).sort();
const only = process.argv[2];
const results: BenchResult[] = [];
for (const file of files) {
  if (only && !file.includes(only)) continue;
  console.log(`▶ ${file}`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run: () => Promise<BenchResult[]> };
  results.push(...(await mod.run()));
}

const out = resolve(import.meta.dirname, "../bench-results.json");
await writeFile(out, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
if (results.length === 0) {
  console.log("No benchmarks yet (test/bench/*.bench.ts). Wrote an empty bench-results.json.");
} else {
  console.table(
    results.map((r) => ({
      name: r.name,
      value: Number(r.value.toFixed(2)),
      unit: r.unit,
      target: r.target ?? "",
      met: r.met === undefined ? "" : r.met ? "yes" : "NO",
    })),
  );
}
console.log(`Wrote ${out}`);
