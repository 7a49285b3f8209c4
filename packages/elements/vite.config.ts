import { minifyTemplateLiterals } from "rollup-plugin-minify-template-literals";
import { defineConfig, type Plugin } from "vite";

/**
 * The official package builds its enums (ComponentName, CardScheme…) with calls the minifier cannot
 * prove harmless, so all of them would ship though we import only `CDN_URL`. Marking those calls
 * pure lets unused ones go.
 */
function pureLoaderEnums(): Plugin {
  return {
    name: "handoff:pure-loader-enums",
    transform(code, id) {
      if (!id.includes("@checkout.com/checkout-web-components")) return undefined;
      return {
        code: code.replace(/=function\(e\)\{return e\./g, "=/*#__PURE__*/function(e){return e."),
        map: null,
      };
    },
  };
}

/**
 * In the script-tag bundles, a part loaded on demand (`parts/load-errors.ts`, a dynamic import for
 * npm) is loaded as its own file beside handoff.js instead: `parts/load-errors.script-tag.ts`.
 */
function scriptTagParts(): Plugin {
  return {
    name: "handoff:script-tag-parts",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!importer || !/\/parts\/load-\w+\.js$/.test(source)) return undefined;
      return this.resolve(source.replace(/\.js$/, ".script-tag.ts"), importer, { skipSelf: true });
    },
  };
}

/**
 * What one `vite build` makes: handoff.js by default, a language pack with `--mode locale-fr`, a
 * part loaded on demand with `--mode part-errors` (handoff.errors.js).
 */
function entryFor(mode: string) {
  const locale = /^locale-(\w+)$/.exec(mode)?.[1];
  const part = /^part-(\w+)$/.exec(mode)?.[1];
  if (part)
    return { entry: `src/parts/${part}.script-tag.ts`, name: "HandoffPart", fileName: `handoff.${part}.js` };
  if (!locale) return { entry: "src/script-tag.ts", name: "HandoffBundle", fileName: "handoff.js" };
  return { entry: `src/locales/${locale}.ts`, name: "HandoffLocale", fileName: `handoff.${locale}.js` };
}

// The script-tag bundles: one IIFE file each, Lit in handoff.js, no eval,
// no inline code. Lit's html`` and css`` templates are minified too: their indentation is most of
// our bytes. A language pack is its own small file: it adds itself to the page's registry.
export default defineConfig(({ mode }) => {
  const { entry, name, fileName } = entryFor(mode);
  return {
    plugins: [scriptTagParts(), minifyTemplateLiterals(), pureLoaderEnums()],
    // Always Lit's production build, whatever NODE_ENV says (vitest sets "test", which picks dev mode).
    resolve: { conditions: ["module", "browser", "production"] },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      outDir: "dist",
      emptyOutDir: false,
      target: "es2022",
      minify: true,

      // A language pack exports nothing (it registers itself), so it defines no global either.
      lib: { entry, formats: ["iife"], name, fileName: () => fileName },
    },
  };
});
