import { loadScript } from "../script.js";
import { partsOf } from "./registry.js";

// `handoff.errors.js` is served beside handoff.js, as the language packs are: found from this
// script's own address, read while it runs (later, `currentScript` names another script).
const here = (document.currentScript as HTMLScriptElement | null)?.src;

/** The error screens, for the script tag: `handoff.errors.js`, added to the page once. */
export const loadErrors = () =>
  loadScript(new URL("handoff.errors.js", here ?? document.baseURI).href, () => partsOf().errors);
