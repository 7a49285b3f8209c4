import { ENV_VARIABLES, type EnvVariable } from "./variables.js";

/**
 * The README's "Environment variables" table and `.env.example`, both generated from
 * `ENV_VARIABLES` so they cannot drift from what `loadConfig` checks. `scripts/env-docs.ts --write`
 * writes them; `test/docs/env.test.ts` fails when the files differ from this.
 */

export const README_START = "<!-- env:start -->";
export const README_END = "<!-- env:end -->";

const GENERATED_BY = "packages/server/src/config/variables.ts (npx tsx scripts/env-docs.ts --write)";

function cell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function code(value: string): string {
  return value === "" ? "" : `\`${value}\``;
}

function meaningOf(variable: EnvVariable): string {
  return variable.readBy === "pnpm start" ? `\`pnpm start\` only. ${variable.meaning}` : variable.meaning;
}

/** What happens when it is unset, in words: the default, or when it is required. */
function whenUnset(variable: EnvVariable): string {
  const parts: string[] = [];
  if (variable.default !== undefined) parts.push(code(variable.default));
  if (variable.defaultText !== undefined) parts.push(variable.defaultText);
  if (variable.required !== undefined) parts.push(`**required** ${variable.required}`);
  // An optional variable without a default is simply unset.
  return parts.length > 0 ? parts.join("; ") : "–";
}

/** Columns padded to one width, as the repository's Markdown formatter (biome) lays tables out. */
function table(header: string[], rows: string[][]): string[] {
  const width = (text: string) => [...text].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + " ".repeat((widths[i] ?? 0) - width(c))).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The Markdown between the README's markers (the markers excluded). */
export function renderEnvTable(variables: readonly EnvVariable[] = ENV_VARIABLES): string {
  const rows = variables.map((v) =>
    [code(v.name), whenUnset(v), code(v.example), v.secret ? "yes" : "", meaningOf(v)].map(cell),
  );
  return [
    `<!-- Generated from ${GENERATED_BY}; edit there, not here. -->`,
    "",
    ...table(["Variable", "Default", "Example", "Secret", "Meaning"], rows),
  ].join("\n");
}

/** Splits text into `# `-comment lines of at most `width` characters. */
function commentLines(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + 1 + word.length > width && line !== "#") {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** Backticks read as noise in a plain-text comment. */
function plain(text: string): string {
  return text.replaceAll("`", "");
}

/** A secret is an empty line to fill in; anything else is commented out, showing its default or an example. */
function envEntry(variable: EnvVariable): string[] {
  // Each note a paragraph of its own, so the default and the example stand out from the meaning.
  const notes = [plain(meaningOf(variable))];
  if (variable.required !== undefined) notes.push(`Required ${plain(variable.required)}.`);
  if (variable.defaultText !== undefined) notes.push(`Default: ${plain(variable.defaultText)}.`);
  else if (variable.secret && variable.default !== undefined) notes.push(`Default: ${variable.default}`);
  if (variable.secret && variable.example !== "") notes.push(`Example: ${variable.example}`);
  const lines = notes.flatMap((note) => commentLines(note));
  lines.push(
    variable.secret ? `${variable.name}=` : `# ${variable.name}=${variable.default ?? variable.example}`,
  );
  return lines;
}

/** The whole of `.env.example`. */
export function renderEnvExample(variables: readonly EnvVariable[] = ENV_VARIABLES): string {
  const header = [
    "# Handoff's environment variables. Copy this file to .env and fill in what you need.",
    "# Secrets are left empty (an empty value counts as unset); other lines are commented out and show",
    "# the default, or an example when there is none.",
    `# Generated from ${GENERATED_BY}; edit there, not here.`,
  ];
  return `${[header.join("\n"), ...variables.map((v) => envEntry(v).join("\n"))].join("\n\n")}\n`;
}

/** `readme` with the text between the markers replaced by `table`; undefined when the markers are missing. */
export function withEnvTable(readme: string, table: string = renderEnvTable()): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + README_START.length)}\n${table}\n${readme.slice(end)}`;
}
