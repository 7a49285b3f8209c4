import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { TOKEN_VARIABLES } from "../../packages/elements/src/theme.js";

const elements = resolve(import.meta.dirname, "../../packages/elements");
const src = (file: string) => readFileSync(resolve(elements, "src", file), "utf8");
const readme = readFileSync(resolve(elements, "README.md"), "utf8");
const all = (text: string, pattern: RegExp) =>
  new Set([...text.matchAll(pattern)].map((m) => m[1] as string));

describe("@handoff/elements README, theming", () => {
  it("lists every CSS variable the stylesheet and the theme read, and no other", () => {
    const used = all(src("styles.ts") + src("theme.ts"), /(--handoff-[a-z-]+)/g);
    const listed = all(readme, /`(--handoff-[a-z-]+)`/g);
    expect([...listed].sort()).toEqual([...used].sort());
  });

  it("lists every part the element renders, and no other", () => {
    const rendered = all(src("handoff-checkout.ts"), /part="([a-z-]+)"/g);
    const section = readme.slice(readme.indexOf("Parts ("), readme.indexOf("## Vue"));
    expect([...all(section, /`([a-z-]+)`/g)].sort()).toEqual([...rendered].sort());
  });

  it("says which design token drives each variable", () => {
    for (const [token, variable] of Object.entries(TOKEN_VARIABLES))
      expect(readme).toMatch(new RegExp(`\\|\\s*\`${variable}\`\\s*\\|[^\\n]*\\|\\s*\`${token}\`\\s*\\|`));
  });
});
