/**
 * `pnpm start`: the whole shop in one command. Starts whatever parts exist so far and says
 * plainly which parts are not built yet, so a newcomer never wonders why a URL is dead.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const parts = [
  { name: "@handoff/sandbox (offline Checkout.com)", dir: "packages/sandbox" },
  { name: "demos/shop (merchant shop and ops dashboard)", dir: "demos/shop" },
  { name: "demos/react-shop (React storefront)", dir: "demos/react-shop" },
];
const missing = parts.filter((p) => !existsSync(resolve(root, p.dir, "package.json")));
for (const part of missing) console.log(`not built yet: ${part.name}`);
if (missing.length === parts.length) {
  console.log("Nothing to run yet: only @handoff/contracts exists. `pnpm test` runs its tests.");
}
