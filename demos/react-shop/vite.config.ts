import { defineConfig } from "vite";

// Served by the demo shop at /react/, under its strict CSP: no inline scripts, so no preload polyfill.
export default defineConfig({
  base: "/react/",
  build: { outDir: "dist", emptyOutDir: true, modulePreload: { polyfill: false } },
});
