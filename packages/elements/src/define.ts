import { HandoffCheckout } from "./handoff-checkout.js";
import { TAG, VERSION } from "./version.js";

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

/**
 * Registers `<handoff-checkout>` unless it already is (the script tag and the npm package on one
 * page, micro-frontends): never throws, and warns once when the registered copy is another version.
 * Touches only `customElements`, which Lit shims on servers, so it is safe under SSR.
 */
export function defineHandoffCheckout(): void {
  if (typeof customElements === "undefined") return;
  const existing = customElements.get(TAG) as
    | (CustomElementConstructor & { handoffVersion?: string })
    | undefined;
  if (!existing) {
    customElements.define(TAG, HandoffCheckout);
    return;
  }
  if (existing.handoffVersion !== VERSION) {
    warnOnce(
      "version-mismatch",
      `<${TAG}> ${existing.handoffVersion ?? "(unknown version)"} is already registered; Handoff ${VERSION} is not used. Load Handoff once per page.`,
    );
  }
}
