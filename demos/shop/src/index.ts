import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { adminOperator, type Operator } from "@handoff/ops";
import {
  ConfigError,
  createOutbox,
  createWebhooks,
  type Destination,
  loadDestinationsFile,
  type OutboxWorkerOptions,
  openHandoff,
  type ServerConfig,
  type SqlClient,
  type VelocityLimits,
  type WorkerOptions,
} from "@handoff/server";
import { pino } from "pino";
import { createShopApp } from "./app.js";
import { CATALOG } from "./catalog.js";

export { createShopApp, type ShopAppOptions } from "./app.js";
export { CATALOG } from "./catalog.js";

export interface RunningShop {
  url: string;
  close(): Promise<void>;
}

export interface StartShopOptions {
  config: ServerConfig;
  /** The local demo's operator `admin` signs in (and calls the API) with this token. */
  opsToken: string;
  /** Named operators instead (HANDOFF_OPERATORS); `admin` with `opsToken` is added when none is given. */
  operators?: Operator[];
  /** Listen here instead of config.port (0 picks a free port; tests use it). */
  port?: number;
  logLevel?: string;
  /** Seconds between reconciliation sweeps. */
  sweepEverySeconds?: number;
  /** An already open database (see `openHandoff`). */
  db?: SqlClient;
  /** Card-testing limits on confirm (see `openHandoff`). */
  velocity?: VelocityLimits;
  /** The webhook worker's settings (lease, instance name, backoff). */
  worker?: WorkerOptions;
  /** The outbox delivery worker's settings (retry schedule, timeout, instance name). */
  outbox?: OutboxWorkerOptions;
  /** On close, how long requests under way may take to finish before their connections are cut. Default 10 s. */
  shutdownGraceMs?: number;
}

const reactDist = resolve(dirname(new URL(import.meta.url).pathname), "../../react-shop/dist");

/**
 * Starts the demo shop: the store (SQLite, or PostgreSQL shared by several instances), checkout and
 * webhook routes, worker, sweep, ops dashboard. `close()` is the graceful shutdown SIGTERM asks for.
 */
export async function startShop(options: StartShopOptions): Promise<RunningShop> {
  const logger = pino({ name: "shop", level: options.logLevel ?? "info" });
  const server = createServer();
  await new Promise<void>((done) => server.listen(options.port ?? options.config.port, "127.0.0.1", done));
  const port = (server.address() as AddressInfo).port;
  // The 3-D Secure return URL is built from PUBLIC_URL; with a picked port it is this one.
  const config =
    options.port === 0 ? { ...options.config, publicUrl: `http://127.0.0.1:${port}` } : options.config;

  const opened = await openHandoff({
    config,
    basePath: "/api/checkout",
    logger,
    checkoutPageUrl: (cartId) => `${config.publicUrl}/checkout?cart=${encodeURIComponent(cartId)}`,
    ...(options.db ? { db: options.db } : {}),
    ...(options.velocity ? { velocity: options.velocity } : {}),
  });
  let destinations: Destination[] = [];
  if (config.destinationsFile) {
    try {
      destinations = await loadDestinationsFile(config.destinationsFile);
    } catch (error) {
      await opened.close();
      throw new ConfigError("HANDOFF_DESTINATIONS", (error as Error).message);
    }
  }
  const outbox = createOutbox({
    db: opened.db,
    deps: opened.handoff.deps,
    destinations,
    ...(options.outbox ? { worker: options.outbox } : {}),
  });
  outbox.hooks.on("*", (event) =>
    logger.info({ orderId: event.orderId, orderEvent: event.type, status: event.status }, "order event"),
  );
  await outbox.start();
  const webhooks = createWebhooks({
    db: opened.db,
    deps: opened.handoff.deps,
    signatureKeys: config.webhookSignatureKeys,
    authorizationKey: config.webhookAuthorizationKey,
    ...(options.worker ? { worker: options.worker } : {}),
  });
  webhooks.worker.start();
  let sweeping: Promise<unknown> | undefined;
  const sweep = setInterval(
    () => {
      // One pass at a time: a slow Checkout.com must not stack sweeps up.
      sweeping ??= webhooks
        .reconcile(2 * 60_000)
        .catch((error: unknown) =>
          logger.warn({ err: String(error) }, "reconciliation sweep failed; next one retries"),
        )
        .finally(() => {
          sweeping = undefined;
        });
    },
    (options.sweepEverySeconds ?? 30) * 1000,
  );
  sweep.unref();
  if ((await opened.inventory.listProducts()).length === 0) await opened.inventory.upsertProducts(CATALOG);

  const app = createShopApp({
    handoff: opened.handoff,
    webhooks,
    outbox,
    inventory: opened.inventory,
    logger,
    db: opened.db,
    operators: options.operators ?? [adminOperator(options.opsToken)],
    environment: config.environment,
    checkoutOrigin:
      config.environment === "local"
        ? new URL(config.apiUrl).origin
        : "https://checkout-web-components.checkout.com",
    reactDist,
  });
  server.on("request", app);
  return {
    url: `http://127.0.0.1:${port}`,
    /**
     * Graceful: take no new requests, let those under way answer (a confirm mid-charge included),
     * let the sweep and the worker finish what they hold and hand back what they claimed, then
     * close the database. Nothing stays locked or claimed behind us.
     */
    async close() {
      clearInterval(sweep);
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
      await closed;
      clearTimeout(cut);
      await sweeping;
      await webhooks.worker.stop();
      await outbox.stop();
      await opened.close();
    },
  };
}
