import { resolve } from "node:path";
import type { NextConfig } from "next";

// pnpm links packages from the monorepo's root node_modules, so that is the root Next.js must see.
const root = resolve(import.meta.dirname, "../..");

const config: NextConfig = {
  // The server's drivers and the SDK stay Node modules, loaded as they are, never bundled.
  serverExternalPackages: ["libsql", "pg", "checkout-sdk-node", "@handoff/server", "@handoff/sandbox"],
  outputFileTracingRoot: root,
  turbopack: { root },
};

export default config;
