import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Rollup } from "vite";
import { LANGUAGES } from "../../packages/elements/src/languages.js";
import type { BenchResult } from "../../scripts/bench.js";

/**
 * The script-tag bundle's weight as shoppers download it: `handoff.js` gzipped (Lit included;
 * Checkout.com's CDN script is not ours and not counted). `pnpm bench` builds first, so this is the
 * file `pnpm build` makes. Its composition: Lit measured as the smallest bundle that uses it (the
 * smallest element), built with the same settings, and Handoff's own code as the rest. Beside it,
 * what only some shoppers download: a language pack (the largest), the error screens
 * (`handoff.errors.js`, loaded the first time one is shown).
 */
const ELEMENTS = resolve(import.meta.dirname, "../../packages/elements");
const gz = (code: string | Uint8Array) => gzipSync(code, { level: 9 }).length;

// Styles as handoff.js makes them (static-css.ts): unsafeCSS, not the css tag, which it does not ship.
const REFERENCES: Record<string, string> = {
  Lit: `import { html, LitElement, nothing, unsafeCSS } from "lit";
    customElements.define("x-a", class extends LitElement {
      static styles = unsafeCSS("p{color:red}"); static properties = { a: {} };
      render() { return html\`<p>\${nothing}</p>\`; } });`,
};

/** Builds `source` as the script-tag bundle would be built and returns its gzipped size. */
async function referenceSize(source: string): Promise<number> {
  // Inside the package, so "lit" and the loader resolve as they do for handoff.js.
  const dir = await mkdtemp(join(ELEMENTS, "node_modules/.bench-reference-"));
  try {
    const entry = join(dir, "entry.js");
    await writeFile(entry, source);
    const output = (await build({
      root: ELEMENTS,
      configFile: resolve(ELEMENTS, "vite.config.ts"),
      logLevel: "silent",
      build: { write: false, lib: { entry, formats: ["iife"], name: "R", fileName: () => "r.js" } },
    })) as Rollup.RollupOutput[] | Rollup.RollupOutput;
    const chunk = (Array.isArray(output) ? output[0] : output)?.output[0];
    return gz(chunk?.code ?? "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const bundle = await readFile(resolve(ELEMENTS, "dist/handoff.js"));
  const total = gz(bundle);
  // Languages beyond English are packs a page adds, one file each: the largest, for scale.
  const packs: Record<string, number> = {};
  for (const code of LANGUAGES.filter((l) => l !== "en"))
    packs[code] = gz(await readFile(resolve(ELEMENTS, `dist/handoff.${code}.js`)));
  const [largest, largestKb] = Object.entries(packs).sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
  const errors = gz(await readFile(resolve(ELEMENTS, "dist/handoff.errors.js")));
  const parts: Record<string, number> = {};
  for (const [name, source] of Object.entries(REFERENCES)) parts[name] = await referenceSize(source);
  const ours = total - Object.values(parts).reduce((a, b) => a + b, 0);
  const kb = (bytes: number) => Number((bytes / 1024).toFixed(2));
  const composition = [
    ...Object.entries(parts).map(([name, bytes]) => `${name} ${kb(bytes)} KB`),
    `Handoff ${kb(ours)} KB`,
  ].join(" + ");
  console.log(
    `  handoff.js ${kb(total)} KB gzip: ${composition}; ${Object.keys(packs).length} language packs, the largest handoff.${largest}.js ${kb(largestKb)} KB; on an error screen handoff.errors.js ${kb(errors)} KB`,
  );
  return [
    {
      name: "handoff.js gzip",
      value: total / 1024,
      unit: "KB",
      target: "<= 12 KB",
      met: total <= 12 * 1024,
      baseline: composition,
      detail: {
        raw_kb: kb(bundle.length),
        ...Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, kb(v)])),
        handoff_kb: kb(ours),
        largest_pack_kb: kb(largestKb),
        errors_part_kb: kb(errors),
        packs: Object.keys(packs).length,
      },
    },
  ];
}
