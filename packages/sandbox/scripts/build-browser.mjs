// Bundles the sandbox's browser scripts (src/browser/entries/) into the classic scripts it serves at
// /checkout-web-components/ ({index,card-frame}.js), written as texts into dist/browser/built-scripts.js,
// the module the sandbox serves them from (an app that bundles the sandbox, as Next.js does, carries
// them along; no file is looked up at run time).
// Run by the package's `build` after tsc; a sandbox running from TypeScript source (the tests) calls
// bundleBrowserScript() instead, so it always serves the code beside it, never a stale build.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = new URL("../", import.meta.url);

/** Each served file, by its name under /checkout-web-components/, and the module it is built from. */
export const BROWSER_SCRIPTS = {
  "index.js": {
    entry: "src/browser/entries/components.ts",
    banner: "/* @handoff/sandbox: offline emulation of Checkout Web Components */",
  },
  "card-frame.js": {
    entry: "src/browser/entries/card-frame.ts",
    banner: "/* @handoff/sandbox: card iframe */",
  },
};

/** One served script's text: a single IIFE, no import/export, so any `<script src>` runs it (no eval). */
export async function bundleBrowserScript(name) {
  const script = BROWSER_SCRIPTS[name];
  if (!script) throw new Error(`No browser script named ${name}`);
  const result = await build({
    // Paths in the output's comments are relative to the package, whoever runs the build.
    absWorkingDir: fileURLToPath(packageDir),
    entryPoints: [script.entry],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    banner: { js: script.banner },
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = {};
  for (const name of Object.keys(BROWSER_SCRIPTS)) built[name] = await bundleBrowserScript(name);
  // Over tsc's output of src/browser/built-scripts.ts (which exports undefined).
  writeFileSync(
    fileURLToPath(new URL("dist/browser/built-scripts.js", packageDir)),
    `export const BUILT_SCRIPTS = ${JSON.stringify(built)};\n`,
  );
}
