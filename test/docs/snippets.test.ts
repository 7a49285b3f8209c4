import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * README code blocks that begin with `// example: <file>#<region>` are copies of a region of a file
 * that is type-checked and tested (`// #region <name>` … `// #endregion`). This keeps them equal,
 * so what a reader copies compiles.
 */
const ROOT = resolve(import.meta.dirname, "../..");

async function readmes(): Promise<string[]> {
  const found = ["README.md"];
  for (const folder of ["packages", "demos"]) {
    for (const name of await readdir(join(ROOT, folder))) found.push(`${folder}/${name}/README.md`);
  }
  const present: string[] = [];
  for (const file of found)
    if (
      await readFile(join(ROOT, file)).then(
        () => true,
        () => false,
      )
    )
      present.push(file);
  return present;
}

function region(source: string, name: string): string | undefined {
  const lines = source.split("\n");
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && l.trim() === "// #endregion");
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return body
    .map((l) => l.slice(indent))
    .join("\n")
    .trim();
}

describe("README examples", () => {
  it("are the regions of checked files they say they are", async () => {
    const checked: string[] = [];
    for (const readme of await readmes()) {
      const text = await readFile(join(ROOT, readme), "utf8");
      for (const block of text.matchAll(/```tsx?\n\/\/ example: (\S+)#(\S+)\n([\s\S]*?)```/g)) {
        const [, file = "", name = "", body = ""] = block;
        const source = await readFile(join(ROOT, file), "utf8");
        expect(region(source, name), `${readme}: ${file}#${name}`).toBe(body.trim());
        checked.push(`${readme} → ${file}#${name}`);
      }
    }
    // The server's webhook wiring, the node:http and Next.js examples and the fetch receiver at least.
    expect(checked.length).toBeGreaterThanOrEqual(4);
  });
});
