import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { adminOperator, type Operator } from "@handoff/ops";
import {
  type HandoffService,
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
  /** Operator `admin`'s password for the ops pages (not the API token), when `operators` was not given. */
  opsPassword?: string;
  close(): Promise<void>;
}

export interface StartShopOptions {
  config: ServerConfig;
  /** The local demo's operator `admin` calls the ops API with this bearer token. */
  opsToken: string;
  /** `admin`'s password for the ops pages, never the same as `opsToken`. Default: one derived from `opsToken`, so it stays the same while the token does (`RunningShop.opsPassword`). */
  opsPassword?: string;
  /** Named operators instead (HANDOFF_OPERATORS); `admin` with `opsToken` and `opsPassword` is added when none is given. */
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
 * Starts the demo shop: Handoff wired once (`openHandoff`: store on SQLite or PostgreSQL, checkout,
 * webhooks, worker, outbox, sweep, health), the storefront and the ops dashboard. No request is left
 * hanging while it starts: until the app is ready every request is answered 503 with Retry-After.
 * `close()` is the graceful shutdown SIGTERM asks for.
 */
export async function startShop(options: StartShopOptions): Promise<RunningShop> {
  const logger = pino({ name: "shop", level: options.logLevel ?? "info" });
  // Made from the token, so a restart with the same (kept) token keeps the password people were given;
  // one-way, so the password does not give away the token.
  const opsPassword =
    options.opsPassword ??
    createHmac("sha256", options.opsToken)
      .update("handoff demo ops password")
      .digest("base64url")
      .slice(0, 16);
  let app: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (app) return app(req, res);
    // Alive while starting (a liveness probe must not restart us), but not ready for anything else.
    if (req.url === "/healthz")
      return void res.writeHead(200, { "cache-control": "no-store" }).end('{"status":"alive"}');
    res.writeHead(503, { "retry-after": "1", "content-type": "application/json; charset=utf-8" });
    res.end(
      JSON.stringify({ error: "STORE_UNAVAILABLE", message: "Starting up. Please try again in a moment." }),
    );
  });
  await new Promise<void>((done) => server.listen(options.port ?? options.config.port, "127.0.0.1", done));
  const port = (server.address() as AddressInfo).port;
  // The 3-D Secure return URL is built from PUBLIC_URL; with a picked port it is this one.
  const config =
    options.port === 0 ? { ...options.config, publicUrl: `http://127.0.0.1:${port}` } : options.config;

  let service: HandoffService;
  try {
    service = await openHandoff({
      config,
      logger,
      checkoutPageUrl: (cartId) => `${config.publicUrl}/checkout?cart=${encodeURIComponent(cartId)}`,
      sweep: { everyMs: (options.sweepEverySeconds ?? 30) * 1000 },
      ...(options.db ? { db: options.db } : {}),
      ...(options.velocity ? { velocity: options.velocity } : {}),
      ...(options.worker ? { worker: options.worker } : {}),
      ...(options.outbox ? { outbox: options.outbox } : {}),
    });
  } catch (error) {
    await new Promise<void>((done) => server.close(() => done()));
    throw error;
  }
  service.hooks.on("*", (event) =>
    logger.info({ orderId: event.orderId, orderEvent: event.type, status: event.status }, "order event"),
  );
  if ((await service.catalog.listProducts()).length === 0) await service.catalog.upsertProducts(CATALOG);
  await service.start();
  app = createShopApp({
    service,
    logger,
    operators: options.operators ?? [adminOperator({ password: opsPassword, token: options.opsToken })],
    environment: config.environment,
    checkoutOrigin:
      config.environment === "local"
        ? new URL(config.apiUrl).origin
        : "https://checkout-web-components.checkout.com",
    reactDist,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    ...(options.operators ? {} : { opsPassword }),
    /**
     * Graceful: readiness off, take no new requests, let those under way answer (a confirm
     * mid-charge included), let the sweep and the worker finish what they hold and hand back what
     * they claimed, then close the database. Nothing stays locked or claimed behind us.
     */
    async close() {
      service.health.stopping();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000);
      await closed;
      clearTimeout(cut);
      await service.close();
    },
  };
}
