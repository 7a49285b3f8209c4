#!/usr/bin/env node
// Committed shim, so package managers can link the bin before the TypeScript is built.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("handoff-sandbox: not built yet. Run `pnpm build` at the repository root first.\n");
  process.exit(1);
}
await import(cli.href);
