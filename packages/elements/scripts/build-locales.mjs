// Builds every language pack as its own script-tag file (dist/handoff.<code>.js), one Vite build
// each, in one process: `vite build --mode locale-<code>` does the same for one language.
import { readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const codes = readdirSync(resolve(root, "src/locales"))
  .filter((f) => /^[a-z]{2}\.ts$/.test(f))
  .map((f) => f.slice(0, 2));
for (const code of codes) {
  await build({
    root,
    configFile: resolve(root, "vite.config.ts"),
    logLevel: "silent",
    mode: `locale-${code}`,
  });
}
