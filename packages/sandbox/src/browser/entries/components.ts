// Entry of `/checkout-web-components/index.js` (bundled by scripts/build-browser.mjs).
import { installCheckoutWebComponents } from "../components.js";
import { SERVED_ORIGIN } from "../served-origin.js";

installCheckoutWebComponents(window, { origin: SERVED_ORIGIN });
