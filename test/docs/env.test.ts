import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  README_END,
  README_START,
  renderEnvExample,
  renderEnvTable,
  withEnvTable,
} from "../../packages/server/src/config/docs.js";
import { ENV_VARIABLES } from "../../packages/server/src/config/variables.js";

/**
 * The README's "Environment variables" table and `.env.example` are generated from the one
 * definition `loadConfig` checks against; when a variable changes there, these fail until
 * `npx tsx scripts/env-docs.ts --write` is run.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const FIX = "differs from the definition: run npx tsx scripts/env-docs.ts --write";

describe("environment variable docs", () => {
  it("the README's table is the one the definition generates", async () => {
    const readme = await readFile(resolve(ROOT, "README.md"), "utf8");
    expect(readme, `README.md needs ${README_START} … ${README_END}`).toContain(README_START);
    expect(withEnvTable(readme), `README.md ${FIX}`).toBe(readme);
  });

  it(".env.example is the one the definition generates", async () => {
    const envExample = await readFile(resolve(ROOT, ".env.example"), "utf8");
    expect(envExample, `.env.example ${FIX}`).toBe(renderEnvExample());
  });

  it("name every variable, and leave every secret empty in .env.example", () => {
    const table = renderEnvTable();
    const envExample = renderEnvExample();
    for (const variable of ENV_VARIABLES) {
      expect(table).toMatch(new RegExp(`^\\| \`${variable.name}\` +\\|`, "m"));
      expect(envExample).toMatch(new RegExp(`^${variable.secret ? "" : "# "}${variable.name}=`, "m"));
      if (variable.secret) expect(envExample).toMatch(new RegExp(`^${variable.name}=$`, "m"));
    }
  });
});
