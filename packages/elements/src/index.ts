import { defineHandoffCheckout } from "./define.js";

export { defineHandoffCheckout, warnOnce } from "./define.js";
export { HandoffCheckout } from "./handoff-checkout.js";
export { type MountedCheckout, type MountOptions, mount } from "./mount.js";
export { type Strings, stringsFor } from "./strings.js";
export type {
  CheckoutFlow,
  ErrorDetail,
  HandoffEventMap,
  HandoffOptions,
  PaymentInitiatedDetail,
  PaymentInitiatedResult,
} from "./types.js";
export { TAG, VERSION } from "./version.js";

defineHandoffCheckout();

declare global {
  interface HTMLElementTagNameMap {
    "handoff-checkout": import("./handoff-checkout.js").HandoffCheckout;
  }
}
