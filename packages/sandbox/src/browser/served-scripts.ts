import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BUILT_SCRIPTS } from "./built-scripts.js";
import type { EmulationConfig } from "./components.js";
import { SERVED_ORIGIN } from "./served-origin.js";

/** The browser scripts the sandbox serves, by their file name under /checkout-web-components/. */
export type BrowserScriptName = "index.js" | "card-frame.js";
const NAMES: BrowserScriptName[] = ["index.js", "card-frame.js"];

// Run from TypeScript source (vitest, tsx with @handoff/source), the sandbox bundles the scripts from
// the source beside it on first use, so tests never serve a stale build. Run from dist, it serves
// what `pnpm build` bundled (scripts/build-browser.mjs), from a module rather than files found beside
// import.meta.url: an app that bundles the sandbox (Next.js does) moves its code away from dist.
const FROM_SOURCE = import.meta.url.endsWith(".ts");

const loaded = new Map<BrowserScriptName, Promise<string>>();

/**
 * Fails now, naming the command that fixes it, when the sandbox runs from a dist without its
 * browser scripts (TypeScript compiled, the bundle step not run), rather than 404 in the browser later.
 */
export function loadBrowserScripts(): void {
  if (FROM_SOURCE) return;
  for (const name of NAMES) {
    if (loaded.has(name)) continue;
    const text = BUILT_SCRIPTS?.[name];
    if (text === undefined) {
      throw new Error(
        `the sandbox's browser scripts are not built (dist/browser/built-scripts.js has no ${name}): run \`pnpm build\` at the repository root, or \`pnpm --filter @handoff/sandbox build\``,
      );
    }
    loaded.set(name, Promise.resolve(text));
  }
}

/** The text of one served script. */
export async function browserScript(name: BrowserScriptName): Promise<string> {
  loadBrowserScripts();
  let script = loaded.get(name);
  if (!script) {
    script = bundleFromSource(name);
    loaded.set(name, script);
    // A failed bundle (say, a syntax error being fixed) is tried again on the next request.
    script.catch(() => loaded.delete(name));
  }
  return script;
}

async function bundleFromSource(name: BrowserScriptName): Promise<string> {
  const script = join(dirname(fileURLToPath(import.meta.url)), "../../scripts/build-browser.mjs");
  const build = (await import(pathToFileURL(script).href)) as {
    bundleBrowserScript(name: string): Promise<string>;
  };
  return build.bundleBrowserScript(name);
}

/** `/checkout-web-components/index.js` as served from `config.origin`: the emulation, knowing where the sandbox is. */
export async function componentsScript(config: EmulationConfig): Promise<string> {
  const parts = (await browserScript("index.js")).split(JSON.stringify(SERVED_ORIGIN));
  if (parts.length !== 2) throw new Error("@handoff/sandbox: index.js has no single origin placeholder");
  return `${parts[0]}${JSON.stringify(config.origin)}${parts[1]}`;
}
