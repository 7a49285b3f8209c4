import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { pino } from "pino";
import { loadConfig } from "../config.js";
import { openDatabase } from "../db/open.js";
import type { SqlClient } from "../db/sql-client.js";
import type { HandoffDeps } from "../deps.js";
import type { Handoff } from "../handoff.js";
import type { SqlInventory } from "../inventory/sql-inventory.js";
import { type HandoffService, openHandoff } from "../open.js";
import type { OutboxWorkerOptions } from "../outbox/worker.js";
import type { SqlOrderStore } from "../store/sql-store.js";
import type { WorkerOptions } from "../webhooks/worker.js";
import { freshPostgresDatabase, testEngine } from "./postgres.js";

export const PRODUCTS = [
  { sku: "mug", name: "Enamel mug", unitAmount: 1450, currency: "GBP", stock: 100 },
  { sku: "poster", name: "Risograph poster", unitAmount: 2200, currency: "GBP", stock: 100 },
  { sku: "last-one", name: "Signed print", unitAmount: 9900, currency: "GBP", stock: 1 },
  { sku: "yen-tea", name: "Sencha", unitAmount: 1200, currency: "JPY", stock: 100 },
];

export interface Harness {
  sandbox: Sandbox;
  db: SqlClient;
  /** Where `db` is: a second connection (another instance) opens the same URL. */
  databaseUrl: string;
  inventory: SqlInventory;
  store: SqlOrderStore;
  handoff: Handoff;
  deps: HandoffDeps;
  /** The whole wiring, as `openHandoff` returns it (background work not started). */
  service: HandoffService;
  returnUrl: string;
  /** Tokenizes a test card through the sandbox, as the browser's iframe would. */
  token(number?: string): Promise<string>;
  /** A cart with its checkout session opened, as the widget does before the shopper can pay. */
  cart(items?: Array<{ sku: string; quantity: number }>, options?: { session?: boolean }): Promise<string>;
  /** Payments the sandbox has seen, for "charged exactly once" assertions. */
  chargesFor(orderId: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real parts: the sandbox over HTTP, the official SDK, and a real database: a SQLite file in a
 * temp folder, or (in the `postgres` test project) a fresh database on the run's PostgreSQL.
 */
export async function startHarness(
  options: {
    timeoutMs?: number;
    attempts?: number;
    captureDelayMs?: number;
    strict?: boolean;
    engine?: "sqlite" | "postgres";
    /** More settings, as environment variables (webhook keys…). */
    env?: Record<string, string>;
    /** Webhook signature keys accepted besides the sandbox's (a key rotation). */
    extraSignatureKeys?: string[];
    worker?: WorkerOptions;
    outbox?: OutboxWorkerOptions;
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "handoff-test-"));
  const sandbox = createSandbox({
    captureDelayMs: options.captureDelayMs ?? 60_000,
    strict: options.strict ?? false,
  });
  await sandbox.listen();
  const databaseUrl =
    (options.engine ?? testEngine()) === "postgres"
      ? await freshPostgresDatabase()
      : `file:${join(dir, "handoff.db")}`;
  const db = await openDatabase(databaseUrl);
  // The same composition root a merchant's app uses, on the real parts; background work is the test's to start.
  const service = await openHandoff({
    config: loadConfig(
      {
        CKO_ENVIRONMENT: "local",
        CKO_API_URL: sandbox.url,
        DATABASE_URL: databaseUrl,
        PUBLIC_URL: "http://127.0.0.1:3000",
        CKO_WEBHOOK_SIGNATURE_KEY: [...(options.extraSignatureKeys ?? []), sandbox.keys.signatureKey].join(
          ",",
        ),
        ...options.env,
      },
      sandbox.keys,
    ),
    db,
    logger: pino({ level: "silent" }),
    // Generous: on a loaded CI machine a slow answer must not pass for a missing one (fault tests set their own).
    processor: {
      timeoutMs: options.timeoutMs ?? 5000,
      retry: { attempts: options.attempts ?? 3, baseDelayMs: 20 },
    },
    sweep: false,
    ...(options.worker ? { worker: options.worker } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
  });
  const inventory = service.catalog;
  await inventory.upsertProducts(PRODUCTS);
  const store = service.deps.store as SqlOrderStore;
  const returnUrl = "http://127.0.0.1:3000/api/checkout/3ds-return";
  const { deps, handoff } = service;
  return {
    sandbox,
    db,
    databaseUrl,
    inventory,
    store,
    deps,
    handoff,
    service,
    returnUrl,
    async token(number = "4242424242424242") {
      const result = sandbox.payments.createToken({
        type: "card",
        number,
        expiry_month: 12,
        expiry_year: 2040,
        cvv: "100",
      });
      return (result.body as { token: string }).token;
    },
    async cart(items = [{ sku: "mug", quantity: 2 }], options = {}) {
      const result = await inventory.createCart(items);
      if (!result.ok) throw new Error(`cart refused: ${result.error}`);
      if (options.session !== false) {
        const session = await handoff.session({ cartId: result.cart.cartId });
        if (session.status !== 200) throw new Error(`session refused: ${JSON.stringify(session.body)}`);
      }
      return result.cart.cartId;
    },
    async chargesFor(orderId) {
      return [...sandbox.payments.payments.values()].filter((p) => p.reference === orderId).length;
    },
    async close() {
      await service.close();
      await sandbox.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
