import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CheckoutComProcessor,
  ConfirmVelocity,
  createHandoff,
  createHandoffHandler,
  DEFAULT_VELOCITY,
  openDatabase,
  SqlInventory,
  SqlOrderStore,
} from "@handoff/server";
import { pino } from "pino";

/**
 * One shop instance in its own process for the store benchmarks: the checkout routes on node:http
 * over the database DATABASE_URL names (several of these share one PostgreSQL), charging through
 * the sandbox at argv[2] with the secret key argv[3]. `carts` makes carts with their sessions open.
 */
const [sandboxUrl = "", secretKey = ""] = process.argv.slice(2);
const dir = await mkdtemp(join(tmpdir(), "handoff-confirm-"));
const db = await openDatabase(process.env.DATABASE_URL ?? `file:${join(dir, "confirm.db")}`);
const inventory = new SqlInventory(db);
await inventory.upsertProducts([
  { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 1_000_000 },
]);
const handoff = createHandoff({
  store: new SqlOrderStore(db),
  inventory,
  processor: new CheckoutComProcessor({ secretKey, publicKey: "pk_unused", host: sandboxUrl }),
  settings: {
    environment: "local",
    publicKey: "pk_unused",
    processingChannelFor: () => undefined,
    threeDsReturnUrl: "http://127.0.0.1/3ds-return",
    orderPageUrl: (id) => `http://127.0.0.1/orders/${id}`,
    threeDs: false,
  },
  logger: pino({ level: "silent" }),
  now: () => new Date(),
  // One load generator plays every shopper: the card-testing limit per client is not what is timed.
  velocity: new ConfirmVelocity({ ...DEFAULT_VELOCITY, perClient: Number.MAX_SAFE_INTEGER }),
});
const handler = createHandoffHandler(handoff, { basePath: "/api/checkout" });
const server = createServer(async (req, res) => {
  if (!(await handler(req, res))) res.writeHead(404).end();
});
await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));

process.on("message", async (message: { type: string; count?: number }) => {
  if (message.type === "carts") {
    const carts: string[] = [];
    for (let i = 0; i < (message.count ?? 0); i++) {
      const cart = await inventory.createCart([{ sku: "mug", quantity: 1 }]);
      if (!cart.ok || (await handoff.session({ cartId: cart.cart.cartId })).status !== 200)
        throw new Error("cart or session refused");
      carts.push(cart.cart.cartId);
    }
    process.send?.({ type: "carts", carts });
  }
  if (message.type === "stop") {
    server.closeAllConnections();
    server.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  }
});
process.send?.({
  type: "ready",
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/checkout/confirm`,
});
