import { VERSION } from "../version.js";

/** The parts a script-tag Handoff loads on demand, shared per version by every copy on the page. */
export type Parts = { errors?: typeof import("../errors.js") };
const REGISTRY = Symbol.for("handoff.parts");
const page = globalThis as typeof globalThis & { [REGISTRY]?: Record<string, Parts> };

export function partsOf(): Parts {
  page[REGISTRY] ??= {};
  page[REGISTRY][VERSION] ??= {};
  return page[REGISTRY][VERSION];
}
