import { HandoffCheckout } from "./handoff-checkout.js";
import { loadErrors } from "./parts/load-errors.js";
import { TAG, VERSION } from "./version.js";

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
  // Rare, so its words come with the error screens; if even they cannot load, only the warning is lost.
  if (existing.handoffVersion !== VERSION)
    loadErrors().then(
      (errors) => errors.versionMismatch(existing.handoffVersion),
      () => undefined,
    );
}
