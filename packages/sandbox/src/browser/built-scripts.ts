/**
 * The served browser scripts as the package build bundled them, by file name. Undefined here, in
 * the source: scripts/build-browser.mjs writes the built texts over tsc's output of this file.
 */
export const BUILT_SCRIPTS: Readonly<Record<string, string>> | undefined = undefined;
