import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { type HandoffService, loadConfig, openHandoff, type ServerConfig } from "@handoff/server";
import {
  createFetchHandoffHandler,
  createFetchHealthHandler,
  createFetchWebhookHandler,
} from "@handoff/server/fetch";

type Handler = (request: Request) => Promise<Response>;

export interface Shop {
  config: ServerConfig;
  service: HandoffService;
  /** The route handlers, made once with the shop (never per request). */
  checkout: Handler;
  webhook: Handler;
  health: Handler;
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
  // #region service
  const service = await openHandoff({ config }); // checkout, webhooks, worker, outbox, sweep, health
  await service.catalog.upsertProducts([
    { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 1000 },
  ]);
  await service.start(); // background work runs, /readyz turns ready
  process.once("SIGTERM", () => void service.close()); // readiness off, work handed back, database closed
  const checkout = createFetchHandoffHandler(service.handoff, {
    basePath: "/api/checkout",
    // The shopper's address (card-testing limit, payment_ip): X-Forwarded-For only from the proxies
    // HANDOFF_TRUST_PROXY names, never its first entry, which the client writes. Route handlers get
    // no socket address, so behind a load balancer give the hop count (1); unset, no address is used.
    trustProxy: config.trustProxy,
  });
  const webhook = createFetchWebhookHandler({
    inbox: service.webhooks.inbox,
    signatureKeys: config.webhookSignatureKeys,
    ...(config.webhookAuthorizationKey ? { authorizationKey: config.webhookAuthorizationKey } : {}),
    logger: service.deps.logger,
    onStored: () => service.webhooks.worker.wake(),
  });
  const health = createFetchHealthHandler(service.health);
  // #endregion
  return { config, service, checkout, webhook, health };
}

export function shop(): Promise<Shop> {
  holder.handoffShop ??= open();
  return holder.handoffShop;
}
