import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { pino } from "pino";
import { openDatabase } from "../db/open.js";
import type { SqlClient } from "../db/sql-client.js";
import type { HandoffDeps } from "../deps.js";
import { createHandoff, type Handoff } from "../handoff.js";
import { SqlInventory } from "../inventory/sql-inventory.js";
import { CheckoutComProcessor } from "../processor/checkout-com.js";
import { SqlOrderStore } from "../store/sql-store.js";
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
  const inventory = new SqlInventory(db);
  await inventory.upsertProducts(PRODUCTS);
  const store = new SqlOrderStore(db);
  const returnUrl = "http://127.0.0.1:3000/api/checkout/3ds-return";
  const deps: HandoffDeps = {
    store,
    inventory,
    processor: new CheckoutComProcessor({
      secretKey: sandbox.keys.secretKey,
      publicKey: sandbox.keys.publicKey,
      host: sandbox.url,
      // Generous: on a loaded CI machine a slow answer must not pass for a missing one (fault tests set their own).
      timeoutMs: options.timeoutMs ?? 5000,
      retry: { attempts: options.attempts ?? 3, baseDelayMs: 20 },
    }),
    settings: {
      environment: "local",
      publicKey: sandbox.keys.publicKey,
      processingChannelFor: () => undefined,
      threeDsReturnUrl: returnUrl,
      orderPageUrl: (id) => `http://127.0.0.1:3000/orders/${id}`,
      componentsScriptUrl: `${sandbox.url}/checkout-web-components/index.js`,
      threeDs: true,
    },
    logger: pino({ level: "silent" }),
    now: () => new Date(),
  };
  const handoff = createHandoff(deps);
  return {
    sandbox,
    db,
    databaseUrl,
    inventory,
    store,
    deps,
    handoff,
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
      await sandbox.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
