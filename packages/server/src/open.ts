import { processingChannelFor, type ServerConfig } from "./config.js";
import { ConfirmVelocity, type VelocityLimits } from "./confirm/velocity.js";
import { openDatabase } from "./db/open.js";
import type { SqlClient } from "./db/sql-client.js";
import type { Logger } from "./deps.js";
import { createHandoff, type Handoff } from "./handoff.js";
import { SqlInventory } from "./inventory/sql-inventory.js";
import { CheckoutComProcessor } from "./processor/checkout-com.js";
import type { RetryPolicy } from "./processor/retry.js";
import { SqlOrderStore } from "./store/sql-store.js";

export interface OpenHandoffOptions {
  config: ServerConfig;
  /** Where the checkout routes are mounted, e.g. "/api/checkout". */
  basePath: string;
  /** Order page for a shopper back from 3-D Secure. Default `${publicUrl}/orders/:id`. */
  orderPageUrl?: (orderId: string) => string;
  /** Checkout page for a cart, where a failed 3-D Secure sends the shopper back to pay again. */
  checkoutPageUrl?: (cartId: string) => string;
  logger?: Logger;
  processor?: { timeoutMs?: number; retry?: RetryPolicy };
  /** An already open database (a shared connection, or one wrapped for fault injection); default: open `config.databaseUrl`. */
  db?: SqlClient;
  /** Card-testing limits on confirm (default 5 failed tries per cart, 20 confirms per client, per 10 minutes). */
  velocity?: VelocityLimits;
}

export interface OpenedHandoff {
  handoff: Handoff;
  db: SqlClient;
  inventory: SqlInventory;
  close(): Promise<void>;
}

/**
 * pino when it is installed (an optional peer dependency): JSON lines, one per event. Without it,
 * the same objects go to the console.
 */
async function defaultLogger(): Promise<Logger> {
  try {
    const { pino } = await import("pino");
    // pino's logger type allows any key, `then` included, which an async function cannot return as is.
    const logger: Logger = pino({ name: "handoff" });
    return {
      info: logger.info.bind(logger),
      warn: logger.warn.bind(logger),
      error: logger.error.bind(logger),
    };
  } catch {
    const line = (level: string) => (obj: object, msg?: string) =>
      console[level === "info" ? "log" : level === "warn" ? "warn" : "error"](
        JSON.stringify({ level, name: "handoff", time: Date.now(), ...obj, msg }),
      );
    return { info: line("info"), warn: line("warn"), error: line("error") };
  }
}

/** Wires the default stack from configuration: the SQL store and inventory on SQLite or PostgreSQL, Checkout.com (or the sandbox). */
export async function openHandoff(options: OpenHandoffOptions): Promise<OpenedHandoff> {
  const { config } = options;
  const db = options.db ?? (await openDatabase(config.databaseUrl));
  const inventory = new SqlInventory(db);
  const handoff = createHandoff({
    store: new SqlOrderStore(db),
    inventory,
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
      threeDsReturnUrl: `${config.publicUrl}${options.basePath}/3ds-return`,
      orderPageUrl: options.orderPageUrl ?? ((id) => `${config.publicUrl}/orders/${id}`),
      checkoutPageUrl: options.checkoutPageUrl,
      componentsScriptUrl:
        config.environment === "local" ? `${config.apiUrl}/checkout-web-components/index.js` : undefined,
      threeDs: true,
    },
    logger: options.logger ?? (await defaultLogger()),
    now: () => new Date(),
    ...(options.velocity ? { velocity: new ConfirmVelocity(options.velocity) } : {}),
  });
  return { handoff, db, inventory, close: () => db.close() };
}
