import { defineHandoffCheckout, warnOnce } from "./define.js";
import { HandoffCheckout } from "./handoff-checkout.js";
import { mount } from "./mount.js";
import { VERSION } from "./version.js";

/** `handoff.js`: defines `<handoff-checkout>` and `window.Handoff.mount()`; loading it twice is harmless. */
defineHandoffCheckout();
const w = window as unknown as { Handoff?: { version: string } };
if (!w.Handoff) w.Handoff = { mount, version: VERSION, HandoffCheckout } as { version: string };
else if (w.Handoff.version !== VERSION) {
  warnOnce(
    "version-mismatch",
    `window.Handoff ${w.Handoff.version} is already loaded; handoff.js ${VERSION} left it in place.`,
  );
}
