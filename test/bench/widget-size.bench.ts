import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { BenchResult } from "../../scripts/bench.js";

/**
 * The script-tag bundle's weight as shoppers download it: `handoff.js` gzipped (Lit and the official
 * Checkout Web Components loader included; Checkout.com's CDN script is not ours and not counted).
 * `pnpm bench` builds first, so this is the file `pnpm build` makes.
 */
export async function run(): Promise<BenchResult[]> {
  const file = resolve(import.meta.dirname, "../../packages/elements/dist/handoff.js");
  const bundle = await readFile(file);
  const gzip = gzipSync(bundle, { level: 9 }).length / 1024;
  return [
    {
      name: "handoff.js gzip",
      value: gzip,
      unit: "KB",
      target: "<= 12 KB",
      met: gzip <= 12,
      detail: { raw_kb: Number((bundle.length / 1024).toFixed(2)) },
    },
  ];
}
