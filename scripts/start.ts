/**
 * `pnpm start`: the whole shop in one command. Until the shop exists, it runs what exists (the
 * offline Checkout.com) and says plainly which parts are not built yet.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createSandbox } from "@handoff/sandbox";

const root = resolve(import.meta.dirname, "..");
const missing = [
  { name: "demos/shop (merchant shop and ops dashboard)", dir: "demos/shop" },
  { name: "demos/react-shop (React storefront)", dir: "demos/react-shop" },
].filter((p) => !existsSync(resolve(root, p.dir, "package.json")));

const port = Number(process.env.HANDOFF_SANDBOX_PORT ?? 3100);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(
    `HANDOFF_SANDBOX_PORT must be a port number (1-65535), got "${process.env.HANDOFF_SANDBOX_PORT}"`,
  );
  process.exit(1);
}
const sandbox = createSandbox();
try {
  await sandbox.listen(port);
} catch (error) {
  console.error(
    `Cannot start the sandbox on port ${port}: ${(error as Error).message}. Set HANDOFF_SANDBOX_PORT.`,
  );
  process.exit(1);
}
console.log(`Offline Checkout.com (sandbox): ${sandbox.url}`);
console.log(
  `  public key ${sandbox.keys.publicKey}  (test card 4242 4242 4242 4242, any future date, any CVC)`,
);
for (const part of missing) console.log(`not built yet: ${part.name}`);
console.log("Ctrl-C stops everything.");
const stop = () => sandbox.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
