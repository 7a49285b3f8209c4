import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect } from "vitest";

/**
 * One line of the gauntlet's table: what must hold, and what was counted; or, with `info`, a count
 * shown for context (how many were sent, which disk) that nothing is compared with.
 */
export type Check =
  | { check: string; expected: number | string; actual: number | string }
  | { check: string; info: number | string };

export const RESULTS_DIR = resolve(import.meta.dirname, "../../../test-results/gauntlet");

/** How hard to push: `pnpm gauntlet` runs the full form, `pnpm test` the quick one. */
export const FULL = process.env.GAUNTLET === "full";
export const runs = (quick: number, full: number) => (FULL ? full : quick);

/** Writes a section's counts for the table `pnpm gauntlet` prints, then fails on any difference. */
export function ledger(section: string, checks: Check[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(resolve(RESULTS_DIR, `${section}.json`), JSON.stringify({ section, checks }, null, 2));
  const differences = checks.filter((c) => "expected" in c && c.expected !== c.actual);
  expect(differences, `${section}: ${JSON.stringify(differences)}`).toEqual([]);
}
