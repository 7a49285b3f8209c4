import * as errors from "../errors.js";
import { partsOf } from "./registry.js";

/** `handoff.errors.js`: adds the error screens to the page's registry, for the handoff.js of its version. */
partsOf().errors = errors;
