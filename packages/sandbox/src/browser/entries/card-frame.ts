// Entry of `/checkout-web-components/card-frame.js` (bundled by scripts/build-browser.mjs).
import { installCardFrame } from "../card-frame.js";

installCardFrame(window);
