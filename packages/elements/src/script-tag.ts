import { defineHandoffCheckout, warnOnce } from "./define.js";
import { HandoffCheckout } from "./handoff-checkout.js";
import { mount } from "./mount.js";
import { VERSION } from "./version.js";

/** What `handoff.js` puts on the page: `window.Handoff.mount("#checkout", options)`. */
export interface HandoffGlobal {
  mount: typeof mount;
  version: string;
  HandoffCheckout: typeof HandoffCheckout;
}

declare global {
  interface Window {
    /** Set by the script tag (`@handoff/elements/handoff.js`). */
    Handoff?: HandoffGlobal;
  }
}

/** `handoff.js`: defines `<handoff-checkout>` and `window.Handoff.mount()`; loading it twice is harmless. */
defineHandoffCheckout();
const w = window;
if (!w.Handoff) w.Handoff = { mount, version: VERSION, HandoffCheckout };
else if (w.Handoff.version !== VERSION) {
  warnOnce(
    "version-mismatch",
    `window.Handoff ${w.Handoff.version} is already loaded; handoff.js ${VERSION} left it in place.`,
  );
}
