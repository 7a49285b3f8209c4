/**
 * The gauntlet in its full form: every test in test/gauntlet with GAUNTLET=full (more hostile
 * inputs, more races, a longer full disk, a bigger blast), then one table of what was counted
 * against what must hold. Exits non-zero on any difference. `pnpm test` runs the quick form.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const results = resolve(root, "test-results/gauntlet");
rmSync(results, { recursive: true, force: true });
const run = spawnSync("npx", ["vitest", "run", "test/gauntlet"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, GAUNTLET: process.env.GAUNTLET ?? "full" },
});

interface Section {
  section: string;
  checks: Array<
    | { check: string; expected: number | string; actual: number | string }
    | { check: string; info: number | string }
  >;
}
const sections: Section[] = readdirSync(results, { withFileTypes: true })
  .filter((f) => f.isFile() && f.name.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(resolve(results, f.name), "utf8")) as Section);
const rows = sections.flatMap((s) =>
  s.checks.map((c) =>
    "info" in c
      ? // Information, compared with nothing: it can neither hold nor fail.
        { section: s.section, check: c.check, expected: "", counted: c.info, holds: "(info)" }
      : {
          section: s.section,
          check: c.check,
          expected: c.expected,
          counted: c.actual,
          holds: c.expected === c.actual ? "yes" : "NO",
        },
  ),
);
console.log("\nThe gauntlet");
console.table(rows);
const differences = rows.filter((r) => r.holds === "NO").length;
const expectedSections = [
  "abuse",
  "abuse-client",
  "abuse-floods",
  "browser",
  "chaos",
  "crash",
  "full-disk",
  "hostile-destinations",
  "hostile-input",
  "interleavings-postgres",
  "interleavings-sqlite",
  "locked-database",
  "money",
  "outbox-lanes",
  "rolling-restart",
];
const missing = expectedSections.filter((name) => !sections.some((s) => s.section === name));
if (missing.length > 0) console.log(`Sections that did not report: ${missing.join(", ")}`);
console.log(`${differences} differences, ${missing.length} sections missing, vitest exit ${run.status}`);
process.exit(differences > 0 || missing.length > 0 || run.status !== 0 ? 1 : 0);
