import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { SandboxDispute, StoredFile } from "../disputes/service.js";
import type { PaymentState } from "../payments/service.js";
import type { SandboxKeys } from "../runtime.js";
import type { SettlementState } from "../settlement/service.js";

export const STATE_VERSION = 1;

/** What a sandbox keeps across restarts when it has a state file. */
export interface SandboxState {
  version: typeof STATE_VERSION;
  savedAt: string;
  keys: SandboxKeys;
  account: { entityId: string; clientId: string };
  payments: PaymentState;
  disputes: { disputes: SandboxDispute[]; files: StoredFile[] };
  settlement: SettlementState;
}

export class SandboxStateError extends Error {
  override name = "SandboxStateError";
}

/** Reads the state file; `undefined` when there is none yet. A file we cannot read stops the start. */
export function readState(path: string): SandboxState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SandboxStateError(`cannot read the sandbox state file ${path}: ${(error as Error).message}`);
  }
  let state: Partial<SandboxState>;
  try {
    state = JSON.parse(text) as Partial<SandboxState>;
  } catch (error) {
    throw new SandboxStateError(`the sandbox state file ${path} is not JSON (${(error as Error).message})`);
  }
  if (state.version !== STATE_VERSION)
    throw new SandboxStateError(
      `the sandbox state file ${path} has version ${state.version}, expected ${STATE_VERSION}`,
    );
  return state as SandboxState;
}

/**
 * Writes the whole state at once (a temporary file renamed over the old one), so a crash mid-write
 * leaves the previous state, never half of one. Owner-only: it holds the sandbox's keys.
 */
export function writeState(path: string, state: SandboxState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
  renameSync(temporary, path);
}
