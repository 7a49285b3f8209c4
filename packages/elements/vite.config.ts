import { minifyTemplateLiterals } from "rollup-plugin-minify-template-literals";
import { defineConfig } from "vite";

// The script-tag bundle: one IIFE file, Lit and the official loader included, no eval, no inline
// code. Lit's html`` and css`` templates are minified too: their indentation is most of our bytes.
export default defineConfig({
  plugins: [minifyTemplateLiterals()],
  // Always Lit's production build, whatever NODE_ENV says (vitest sets "test", which picks dev mode).
  resolve: { conditions: ["module", "browser", "production"] },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  build: {
    outDir: "dist",
    emptyOutDir: false,
    target: "es2021",
    minify: true,
    lib: {
      entry: "src/script-tag.ts",
      formats: ["iife"],
      name: "HandoffBundle",
      fileName: () => "handoff.js",
    },
  },
});
