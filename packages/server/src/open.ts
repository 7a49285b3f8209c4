import { BackgroundLoop } from "./background-loop.js";
import { ConfigError, processingChannelFor, type ServerConfig } from "./config.js";
import { ConfirmVelocity, DEFAULT_VELOCITY, type VelocityLimits } from "./confirm/velocity.js";
import { openDatabase } from "./db/open.js";
import type { SqlClient } from "./db/sql-client.js";
import type { HandoffDeps, Logger } from "./deps.js";
import { createHandoff, type Handoff } from "./handoff.js";
import { Health } from "./health.js";
import type { Inventory } from "./inventory/port.js";
import { SqlInventory } from "./inventory/sql-inventory.js";
import { type FullLogger, toLogger } from "./logger.js";
import type { OrderEvents } from "./orders/events.js";
import { type Destination, loadDestinationsFile } from "./outbox/destinations.js";
import { createOutbox, type Outbox } from "./outbox/setup.js";
import type { OutboxWorkerOptions } from "./outbox/worker.js";
import { CheckoutComProcessor, SETTLEMENT_OAUTH_SCOPES } from "./processor/checkout-com.js";
import type { RetryPolicy } from "./processor/retry.js";
import { SqlPaymentSessions } from "./session/payment-sessions.js";
import { createSettlement, type SettlementOptions, type SettlementService } from "./settlement/setup.js";
import { SqlOrderStore } from "./store/sql-store.js";
import { registerBacklogGauges } from "./telemetry/backlog.js";
import { createWebhooks, type Webhooks } from "./webhooks/setup.js";
import type { WorkerOptions } from "./webhooks/worker.js";

export interface OpenHandoffOptions {
  config: ServerConfig;
  /** Where the checkout routes are mounted. Default "/api/checkout". */
  basePath?: string;
  /** Order page for a shopper back from 3-D Secure. Default `${publicUrl}/orders/:id`. */
  orderPageUrl?: (orderId: string) => string;
  /** Checkout page for a cart, where a failed 3-D Secure sends the shopper back to pay again. */
  checkoutPageUrl?: (cartId: string) => string;
  logger?: Logger;
  /** The clock every use case and worker reads. Default the system's. */
  now?: () => Date;
  processor?: { timeoutMs?: number; retry?: RetryPolicy };
  /** An already open database (a shared connection, or one wrapped for fault injection); default: open `config.databaseUrl`. */
  db?: SqlClient;
  /** On PostgreSQL, the schema that holds Handoff's tables. Default `config.databaseSchema` ("handoff"). */
  databaseSchema?: string;
  /** Your own stock system (the four `Inventory` calls); default: products and carts in Handoff's database. */
  inventory?: Inventory;
  /**
   * Card-testing limits on confirm (default 5 failed tries per cart, 20 confirms per client, per 10
   * minutes) and flood limits on sessions (20 new payment sessions per cart, 3 × `perClient` requests per client).
   */
  velocity?: VelocityLimits;
  /** Who pays, from your server (a signed-in customer), instead of what the checkout sent. */
  sessionDetails?: HandoffDeps["sessionDetails"];
  /** Destinations for order events; default: those in `config.destinationsFile`, if it names one. */
  destinations?: Destination[];
  /** The webhook worker's settings (lease, instance name, backoff). */
  worker?: WorkerOptions;
  /** The outbox delivery worker's settings (retry schedule, timeout, instance name). */
  outbox?: OutboxWorkerOptions;
  /**
   * Networks destinations may reach besides the public internet (CIDRs, addresses, `loopback`,
   * `linklocal`, `uniquelocal`, `cgnat`). Default `config.destinationsAllow`
   * (HANDOFF_DESTINATIONS_ALLOW); local mode adds loopback, for the demo's own receivers.
   */
  destinationsAllow?: string[];
  /** The reconciliation sweep: how often, and how old an attempt must be to be looked up. `false`: none. */
  sweep?: { everyMs?: number; olderThanMs?: number } | false;
  /** Settlement reconciliation (Financial Actions, reports, payouts): its schedule. `false`: none. */
  settlement?: SettlementOptions | false;
}

/**
 * Everything Handoff needs, wired once: the use cases and their dependencies, the webhook receiver
 * and worker, the outbox and its hooks, the reconciliation sweep, health. Mount the adapters on
 * `handoff` (checkout), `webhooks.receiver` and `health`; call `start()` before serving and `close()`
 * on SIGTERM.
 */
export interface HandoffService {
  readonly config: ServerConfig;
  /** The checkout use cases, for the adapters (`createHandoffRouter(service.handoff)`…). */
  readonly handoff: Handoff;
  readonly deps: HandoffDeps;
  readonly db: SqlClient;
  /** The stock the checkout uses: yours when given, else `catalog`. */
  readonly inventory: Inventory;
  /** Products and carts kept in Handoff's own database (the demo shop's catalogue). */
  readonly catalog: SqlInventory;
  readonly webhooks: Webhooks;
  readonly outbox: Outbox;
  /** In-process order events (`hooks.on("paid", …)`), fed from committed events. */
  readonly hooks: OrderEvents;
  readonly health: Health;
  /** What Checkout.com paid out, matched to orders; undefined when turned off. */
  readonly settlement: SettlementService | undefined;
  /** Starts the background work (webhook worker, outbox, sweep); readiness turns on once it runs. */
  start(): Promise<void>;
  /**
   * Graceful: readiness off first, then the sweep, the worker and the outbox finish what they hold
   * and hand back what they claimed, then the database closes (unless it was given).
   */
  close(): Promise<void>;
}

/** @deprecated The same object as `HandoffService`. */
export type OpenedHandoff = HandoffService;

/**
 * pino when it is installed (an optional peer dependency): JSON lines, one per event. Without it,
 * the same objects go to the console.
 */
async function defaultLogger(): Promise<Logger> {
  try {
    const { pino } = await import("pino");
    // pino's logger type allows any key, `then` included, which an async function cannot return as is.
    const logger: FullLogger = pino({ name: "handoff" });
    return {
      debug: logger.debug.bind(logger),
      info: logger.info.bind(logger),
      warn: logger.warn.bind(logger),
      error: logger.error.bind(logger),
      child: (bindings) => logger.child(bindings),
    };
  } catch {
    const line = (level: string) => (obj: object, msg?: string) =>
      console[level === "info" ? "log" : level === "warn" ? "warn" : "error"](
        JSON.stringify({ level, name: "handoff", time: Date.now(), ...obj, msg }),
      );
    return { info: line("info"), warn: line("warn"), error: line("error") };
  }
}

/** The one composition root: configuration in, everything wired out. Nothing is patched on afterwards. */
export async function openHandoff(options: OpenHandoffOptions): Promise<HandoffService> {
  const { config } = options;
  const logger = toLogger(options.logger ?? (await defaultLogger()));
  const now = options.now ?? (() => new Date());
  const owned = options.db === undefined;
  const db =
    options.db ??
    (await openDatabase(config.databaseUrl, {
      schema: options.databaseSchema ?? config.databaseSchema,
      logger,
    }));
  const basePath = (options.basePath ?? "/api/checkout").replace(/\/$/, "");
  const catalog = new SqlInventory(db, now);
  const destinations =
    options.destinations ??
    (config.destinationsFile ? await destinationsFrom(config.destinationsFile, db, owned) : undefined);
  const outbox = createOutbox({
    db,
    deps: { logger, now },
    ...(destinations ? { destinations } : {}),
    ...(options.outbox ? { worker: options.outbox } : {}),
    network: {
      allow: options.destinationsAllow ?? config.destinationsAllow ?? [],
      allowLoopback: config.environment === "local",
    },
  });
  const handoff = createHandoff({
    store: new SqlOrderStore(db, now),
    inventory: options.inventory ?? catalog,
    processor: new CheckoutComProcessor({
      secretKey: config.secretKey,
      oauth: config.oauth,
      publicKey: config.publicKey,
      host: config.apiUrl,
      ...options.processor,
    }),
    settings: {
      environment: config.environment,
      publicKey: config.publicKey,
      processingChannelFor: processingChannelFor(config),
      threeDsReturnUrl: `${config.publicUrl}${basePath}/3ds-return`,
      orderPageUrl: options.orderPageUrl ?? ((id) => `${config.publicUrl}/orders/${id}`),
      checkoutPageUrl: options.checkoutPageUrl,
      componentsScriptUrl:
        config.environment === "local" ? `${config.apiUrl}/checkout-web-components/index.js` : undefined,
      threeDs: true,
      trustProxy: config.trustProxy,
    },
    logger,
    now,
    outboxCommitted: () => outbox.worker.wake(),
    // Counted in the database, so every instance on it shares one budget per shopper.
    velocity: new ConfirmVelocity(options.velocity ?? DEFAULT_VELOCITY, { db }),
    paymentSessions: new SqlPaymentSessions(db),
    ...(options.sessionDetails ? { sessionDetails: options.sessionDetails } : {}),
  });
  const deps = handoff.deps;
  const settlement =
    options.settlement === false
      ? undefined
      : createSettlement({
          db,
          // A processor of its own: its OAuth token asks for the settlement scopes only, so an
          // access key without them still takes payments.
          source: new CheckoutComProcessor({
            secretKey: config.secretKey,
            oauth: config.oauth && { ...config.oauth, scopes: SETTLEMENT_OAUTH_SCOPES },
            publicKey: config.publicKey,
            host: config.apiUrl,
            balancesUrl: config.environment === "local" ? config.apiUrl : undefined,
            ...options.processor,
          }),
          logger,
          now,
          outboxCommitted: () => outbox.worker.wake(),
          settings: options.settlement,
        });
  const webhooks = createWebhooks({
    db,
    deps,
    ...(settlement
      ? {
          routes: {
            reportGenerated: async (eventId, data) => {
              const queued = await settlement.reportAnnounced(eventId, data);
              return queued.queued
                ? { status: "processed", outcome: `report ${queued.reportId} queued for settlement` }
                : { status: "invalid", outcome: "report_generated names no report" };
            },
          },
        }
      : {}),
    signatureKeys: config.webhookSignatureKeys,
    authorizationKey: config.webhookAuthorizationKey,
    ...(options.worker ? { worker: options.worker } : {}),
  });
  const sweepEvery = options.sweep === false ? undefined : (options.sweep?.everyMs ?? 30_000);
  const sweepOlderThan = (options.sweep || undefined)?.olderThanMs ?? 2 * 60_000;
  // One pass at a time: a slow Checkout.com never stacks sweeps up.
  const sweep =
    sweepEvery === undefined
      ? undefined
      : new BackgroundLoop(
          async () => {
            await webhooks.reconcile(sweepOlderThan);
          },
          {
            pollMs: sweepEvery,
            storePauseMs: 1000,
            maxStorePauseMs: 30_000,
            name: "reconciliation sweep",
            logger,
          },
        );
  // OpenTelemetry gauges of the inbox and outbox backlogs (a no-op until the app registers an SDK).
  const stopGauges = registerBacklogGauges({ db, logger });
  let running = false;
  let closing: Promise<void> | undefined;
  const health = new Health({ db, background: () => running });
  return {
    config,
    handoff,
    deps,
    db,
    inventory: deps.inventory,
    catalog,
    webhooks,
    outbox,
    hooks: outbox.hooks,
    health,
    settlement,
    async start() {
      if (running) return;
      await outbox.start();
      webhooks.worker.start();
      sweep?.start(sweepEvery);
      settlement?.start();
      running = true;
      health.serving();
    },
    close() {
      // Once, however many signals ask.
      closing ??= (async () => {
        health.stopping();
        stopGauges();
        await sweep?.stop();
        await settlement?.stop();
        await webhooks.worker.stop();
        await outbox.stop();
        running = false;
        if (owned) await db.close();
      })();
      return closing;
    },
  };
}

/** The destinations file, read before anything starts; a bad file stops start-up naming the variable. */
async function destinationsFrom(file: string, db: SqlClient, owned: boolean): Promise<Destination[]> {
  try {
    return await loadDestinationsFile(file);
  } catch (error) {
    if (owned) await db.close();
    throw new ConfigError("HANDOFF_DESTINATIONS", (error as Error).message);
  }
}
