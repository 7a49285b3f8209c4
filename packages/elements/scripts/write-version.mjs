// VERSION comes from package.json, written at build so it cannot drift from what was published
// (`changeset version` bumps package.json; the next build carries it into the code and handoff.js).
import { readFileSync, writeFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const file = new URL("../src/version.ts", import.meta.url);
const source = `// Written by scripts/write-version.mjs from package.json at build; do not edit.
export const VERSION = ${JSON.stringify(version)};
export const TAG = "handoff-checkout";
`;
if (readFileSync(file, "utf8") !== source) writeFileSync(file, source);
