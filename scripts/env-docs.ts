/**
 * Regenerates the README's "Environment variables" table and `.env.example` from the one definition
 * of the variables (packages/server/src/config/variables.ts).
 *
 *   npx tsx scripts/env-docs.ts          # says whether they are up to date (exit 1 when not)
 *   npx tsx scripts/env-docs.ts --write  # rewrites them
 */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  README_END,
  README_START,
  renderEnvExample,
  withEnvTable,
} from "../packages/server/src/config/docs.js";

const ROOT = resolve(import.meta.dirname, "..");
const README = resolve(ROOT, "README.md");
const ENV_EXAMPLE = resolve(ROOT, ".env.example");

const write = process.argv.includes("--write");
const readme = await readFile(README, "utf8");
const nextReadme = withEnvTable(readme);
if (nextReadme === undefined) {
  process.stderr.write(
    `README.md has no ${README_START} … ${README_END} markers to write the table between\n`,
  );
  process.exit(1);
}
const envExample = await readFile(ENV_EXAMPLE, "utf8").catch(() => "");
const nextEnvExample = renderEnvExample();

const stale = [
  ...(nextReadme === readme ? [] : ["README.md"]),
  ...(nextEnvExample === envExample ? [] : [".env.example"]),
];
if (write) {
  if (nextReadme !== readme) await writeFile(README, nextReadme);
  if (nextEnvExample !== envExample) await writeFile(ENV_EXAMPLE, nextEnvExample);
  process.stdout.write(stale.length ? `rewrote ${stale.join(" and ")}\n` : "already up to date\n");
} else if (stale.length) {
  process.stderr.write(
    `${stale.join(" and ")} differ from the definition: run npx tsx scripts/env-docs.ts --write\n`,
  );
  process.exit(1);
} else {
  process.stdout.write("README.md and .env.example are up to date\n");
}
