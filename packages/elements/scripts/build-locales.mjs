// Builds every language pack as its own script-tag file (dist/handoff.<code>.js), and each part
// handoff.js loads on demand (dist/handoff.<part>.js), one Vite build each, in one process:
// `vite build --mode locale-<code>` (or `part-<name>`) does the same for one.
import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const codes = readdirSync(resolve(root, "src/locales"))
  .filter((f) => /^[a-z]{2}\.ts$/.test(f))
  .map((f) => f.slice(0, 2));
const parts = ["errors"];
for (const mode of [...codes.map((c) => `locale-${c}`), ...parts.map((p) => `part-${p}`)]) {
  await build({ root, configFile: resolve(root, "vite.config.ts"), logLevel: "silent", mode });
}
