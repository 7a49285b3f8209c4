import { minifyTemplateLiterals } from "rollup-plugin-minify-template-literals";
import { defineConfig, type Plugin } from "vite";

/**
 * The official package builds its enums (ComponentName, CardScheme…) with calls the minifier cannot
 * prove harmless, so importing its CDN_URL would ship all of them though we use none. Marking those
 * calls pure lets unused ones go.
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

/** What one `vite build` makes: handoff.js by default, a language pack with `--mode locale-fr`. */
function entryFor(mode: string) {
  const locale = /^locale-(\w+)$/.exec(mode)?.[1];
  if (!locale) return { entry: "src/script-tag.ts", name: "HandoffBundle", fileName: "handoff.js" };
  return { entry: `src/locales/${locale}.ts`, name: "HandoffLocale", fileName: `handoff.${locale}.js` };
}

// The script-tag bundles: one IIFE file each, Lit in handoff.js, no eval,
// no inline code. Lit's html`` and css`` templates are minified too: their indentation is most of
// our bytes. A language pack is its own small file: it adds itself to the page's registry.
export default defineConfig(({ mode }) => {
  const { entry, name, fileName } = entryFor(mode);
  return {
    plugins: [minifyTemplateLiterals(), pureLoaderEnums()],
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
