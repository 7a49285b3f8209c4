import { defineConfig } from "vitest/config";

/** The tests whose subject is the store: they run again on PostgreSQL (HANDOFF_TEST_ENGINE=postgres). */
const STORE_SUITE = [
  "packages/server/src/store/**/*.test.ts",
  "packages/server/src/db/postgres-schema.test.ts",
  "packages/server/src/db/held-writes.test.ts",
  "packages/server/src/confirm/**/*.test.ts",
  "packages/server/src/orders/**/*.test.ts",
  "packages/server/src/three-ds/**/*.test.ts",
  "packages/server/src/session/use-case.test.ts",
  "packages/server/src/health.test.ts",
  "packages/server/src/webhooks/flow.test.ts",
  "packages/server/src/outbox/**/*.test.ts",
  "packages/server/src/settlement/settlement.test.ts",
  "packages/server/src/settlement/sandbox.test.ts",
  "packages/server/src/settlement/poll-reports.test.ts",
  "packages/server/src/settlement/exceptions-page.test.ts",
  "packages/server/src/settlement/payout-orders.test.ts",
  "packages/server/src/settlement/exceptions-facts.test.ts",
  "packages/server/src/settlement/store-lines.test.ts",
  "test/ops/**/*.test.ts",
  "test/gauntlet/interleavings.test.ts",
];

// Tests run against each package's TypeScript source through the "@handoff/source" export condition.
// One private PostgreSQL serves the run (test/support/postgres-setup.ts); SQLite needs nothing.
export default defineConfig({
  resolve: { conditions: ["@handoff/source"] },
  ssr: { resolve: { conditions: ["@handoff/source"], externalConditions: ["@handoff/source"] } },
  test: {
    reporters: ["default", "./scripts/summary-reporter.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    globalSetup: ["./test/support/postgres-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "sqlite",
          include: [
            "packages/*/src/**/*.test.{ts,tsx}",
            "demos/*/{src,test}/**/*.test.{ts,tsx}",
            "test/**/*.test.ts",
          ],
          // About PostgreSQL alone: it runs in the postgres project, not skipped here.
          exclude: ["**/node_modules/**", "packages/server/src/db/postgres-*.test.ts"],
        },
      },
      {
        extends: true,
        test: { name: "postgres", include: STORE_SUITE, env: { HANDOFF_TEST_ENGINE: "postgres" } },
      },
    ],
  },
});
