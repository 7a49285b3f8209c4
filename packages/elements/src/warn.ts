/** Shared by every copy of Handoff on the page, so "once" means once per page, not per bundle. */
const WARNED = Symbol.for("handoff.warned");
const registry = globalThis as typeof globalThis & { [WARNED]?: Set<string> };
registry[WARNED] ??= new Set<string>();
const warned = registry[WARNED];

/** Dev warnings with a stable code, each printed once per page. */
export function warnOnce(code: string, message: string): void {
  if (warned.has(code)) return;
  warned.add(code);
  console.warn(`[handoff:${code}] ${message}`);
}
