// Written by scripts/write-version.mjs from package.json at build; do not edit.
export const VERSION = "0.1.0";
export const TAG = "handoff-checkout";
