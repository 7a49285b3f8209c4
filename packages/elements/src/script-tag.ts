import { defineHandoffCheckout } from "./define.js";
import { HandoffCheckout } from "./handoff-checkout.js";
import { mount } from "./mount.js";
import { darkAppearance } from "./theme.js";
import { VERSION } from "./version.js";

/** What `handoff.js` puts on the page: `window.Handoff.mount("#checkout", options)`. */
export interface HandoffGlobal {
  mount: typeof mount;
  version: string;
  HandoffCheckout: typeof HandoffCheckout;
  /** `Handoff.mount(el, { appearance: Handoff.darkAppearance })`: the dark preset. */
  darkAppearance: typeof darkAppearance;
}

declare global {
  interface Window {
    /** Set by the script tag (`@handoff/elements/handoff.js`). */
    Handoff?: HandoffGlobal;
  }
}

/** `handoff.js`: defines `<handoff-checkout>` and `window.Handoff.mount()`; loading it twice is harmless. */
// A second copy of another version: defineHandoffCheckout has said so once; the first stays in place.
defineHandoffCheckout();
window.Handoff ??= { mount, version: VERSION, HandoffCheckout, darkAppearance };
