// `pnpm --filter @handoff/demo-node-http start`: the shop on http://127.0.0.1:4000 with the offline sandbox,
// or on Checkout.com with CKO_ENVIRONMENT=sandbox and your keys.
import { createSandbox } from "@handoff/sandbox";
import { startShop } from "./server.js";

const env: Record<string, string | undefined> = {
  PORT: "4000",
  DATABASE_URL: "file:.data/node-http.db",
  ...process.env,
};
const local = (env.CKO_ENVIRONMENT ?? "local") === "local";
const sandbox = local
  ? createSandbox({ webhookUrls: [`http://127.0.0.1:${env.PORT}/webhooks/checkoutdotcom`] })
  : undefined;
if (sandbox) await sandbox.listen();
const shop = await startShop({ ...env, ...(sandbox ? { CKO_API_URL: sandbox.url } : {}) }, sandbox?.keys);
console.log(`Shop: ${shop.url} (pay with 4242 4242 4242 4242, any future date, any CVC)`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await shop.close();
    await sandbox?.close();
    process.exit(0);
  });
}
