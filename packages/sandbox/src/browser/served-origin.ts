/**
 * Stands for the sandbox's origin in the built `index.js`: the sandbox writes the origin the
 * browser reached it at (its Host header) over this string each time it serves the file, so the
 * script needs no eval and no runtime lookup to know where the card iframe and /tokens live.
 */
export const SERVED_ORIGIN = "__HANDOFF_SANDBOX_ORIGIN__";
