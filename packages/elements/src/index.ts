import { defineHandoffCheckout } from "./define.js";

export { defineHandoffCheckout } from "./define.js";
export { HandoffCheckout } from "./handoff-checkout.js";
export { type MountedCheckout, type MountOptions, mount } from "./mount.js";
export { addLocale, type FlowLabels, type Strings, stringsFor } from "./strings.js";
export { darkAppearance } from "./theme.js";
export type {
  Appearance,
  CheckoutEvent,
  CheckoutFlow,
  CheckoutMode,
  ErrorDetail,
  HandoffEventMap,
  HandoffOptions,
  PaymentInitiatedDetail,
  PaymentInitiatedResult,
  PaymentMethod,
  SubmitResult,
  WidgetErrorCode,
} from "./types.js";
export { TAG, VERSION } from "./version.js";
export { warnOnce } from "./warn.js";

defineHandoffCheckout();

type Detail<K extends keyof import("./types.js").HandoffEventMap> = CustomEvent<
  import("./types.js").HandoffEventMap[K]
>;

declare global {
  interface HTMLElementTagNameMap {
    "handoff-checkout": import("./handoff-checkout.js").HandoffCheckout;
  }
  /** `el.addEventListener("handoff-success", (e) => e.detail.orderId)` type-checks. */
  interface HTMLElementEventMap {
    "handoff-ready": Detail<"handoff-ready">;
    "handoff-tokenized": Detail<"handoff-tokenized">;
    "handoff-success": Detail<"handoff-success">;
    "handoff-decline": Detail<"handoff-decline">;
    "handoff-requires-action": Detail<"handoff-requires-action">;
    "handoff-error": Detail<"handoff-error">;
  }
}
