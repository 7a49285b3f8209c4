import { minifyTemplateLiterals } from "rollup-plugin-minify-template-literals";
import { defineConfig, type Plugin } from "vite";

/**
 * The official loader builds its enums (ComponentName, CardScheme…) with calls the minifier cannot
 * prove harmless, so all of them ship though we use none. Marking those calls pure lets unused
 * ones go; the loader function itself is untouched.
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

// The script-tag bundle: one IIFE file, Lit and the official loader included, no eval, no inline
// code. Lit's html`` and css`` templates are minified too: their indentation is most of our bytes.
export default defineConfig({
  plugins: [minifyTemplateLiterals(), pureLoaderEnums()],
  // Always Lit's production build, whatever NODE_ENV says (vitest sets "test", which picks dev mode).
  resolve: { conditions: ["module", "browser", "production"] },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2022",
    minify: true,

    lib: {
      entry: "src/script-tag.ts",
      formats: ["iife"],
      name: "HandoffBundle",
      fileName: () => "handoff.js",
    },
  },
});
