import { createSandbox, type Sandbox } from "@handoff/sandbox";
import {
  createWebhooks,
  loadConfig,
  type OpenedHandoff,
  openHandoff,
  type ServerConfig,
  type Webhooks,
} from "@handoff/server";

export interface Shop extends OpenedHandoff {
  config: ServerConfig;
  webhooks: Webhooks;
}

/**
 * One shop per server process: Next.js may import this module from several route bundles, and
 * re-evaluates it on every edit in `next dev`, so the instance lives on globalThis. With
 * CKO_ENVIRONMENT=local (the default) the offline sandbox runs in the same process.
 */
const holder = globalThis as typeof globalThis & { handoffShop?: Promise<Shop> };

async function open(): Promise<Shop> {
  const env = process.env;
  let sandbox: Sandbox | undefined;
  if ((env.CKO_ENVIRONMENT ?? "local") === "local") {
    const publicUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`;
    sandbox = createSandbox({ webhookUrls: [`${publicUrl}/webhooks/checkoutdotcom`] });
    await sandbox.listen(Number(env.HANDOFF_SANDBOX_PORT ?? 0));
  }
  const config = loadConfig(
    { DATABASE_URL: "file:.data/next-app.db", ...env, ...(sandbox ? { CKO_API_URL: sandbox.url } : {}) },
    sandbox?.keys,
  );
  const opened = await openHandoff({ config, basePath: "/api/checkout" });
  await opened.inventory.upsertProducts([
    { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 1000 },
  ]);
  const webhooks = createWebhooks({
    db: opened.db,
    deps: opened.handoff.deps,
    signatureKeys: config.webhookSignatureKeys,
    authorizationKey: config.webhookAuthorizationKey,
  });
  webhooks.worker.start();
  return { ...opened, config, webhooks };
}

export function shop(): Promise<Shop> {
  holder.handoffShop ??= open();
  return holder.handoffShop;
}
