import { defineConfig } from "vitest/config";

// Tests run against each package's TypeScript source through the "@handoff/source" export condition.
export default defineConfig({
  resolve: { conditions: ["@handoff/source"] },
  ssr: { resolve: { conditions: ["@handoff/source"], externalConditions: ["@handoff/source"] } },
  test: {
    reporters: ["default", "./scripts/summary-reporter.ts"],
    include: ["packages/*/src/**/*.test.ts", "demos/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
