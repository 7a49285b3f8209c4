import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  CheckoutComProcessor,
  ConfirmVelocity,
  createHandoff,
  createHandoffHandler,
  DEFAULT_VELOCITY,
  openSqlite,
  SqlInventory,
  SqlOrderStore,
} from "@handoff/server";
import { pino } from "pino";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { percentile, timeEach } from "./support/stats.js";

/**
 * What Handoff adds to a charge: confirm over HTTP (validation, pricing, stock, SQLite writes with
 * synchronous=FULL, the Checkout.com call) minus the same processor calling the sandbox's
 * /payments directly, in the same run. Target: ≤ 3 ms at p50 (ARCHITECTURE §7).
 */
const RUNS = 400;
const WARMUP = 50;

export async function run(): Promise<BenchResult[]> {
  const child = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  const { url, secretKey } = child.ready as { url: string; secretKey: string };
  const { tokens } = await child.ask<{ tokens: string[] }>("tokens", { count: 2 * (RUNS + WARMUP) });
  const dir = await mkdtemp(join(tmpdir(), "handoff-bench-"));
  const db = await openSqlite(`file:${join(dir, "bench.db")}`);
  const inventory = new SqlInventory(db);
  await inventory.upsertProducts([
    { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 1_000_000 },
  ]);
  const processor = new CheckoutComProcessor({ secretKey, publicKey: "pk_unused", host: url });
  const handoff = createHandoff({
    store: new SqlOrderStore(db),
    inventory,
    processor,
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
  const confirmUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/checkout/confirm`;

  let next = 0;
  const direct = await timeEach(RUNS, WARMUP, async (i) => {
    const token = tokens[next++] ?? "";
    const outcome = await processor.requestPayment(
      {
        source: { type: "token", token },
        amount: 1450,
        currency: "GBP",
        reference: `direct_${i}`,
        metadata: { AccelerateToken: token },
      },
      `direct:${i}`,
    );
    if (outcome.kind !== "processed") throw new Error(`direct payment failed: ${outcome.kind}`);
  });
  // A real checkout opens its session (and order) before Pay; that part is not what we time.
  const carts: string[] = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const cart = await inventory.createCart([{ sku: "mug", quantity: 1 }]);
    if (!cart.ok) throw new Error("cart refused");
    if ((await handoff.session({ cartId: cart.cart.cartId })).status !== 200)
      throw new Error("session failed");
    carts.push(cart.cart.cartId);
  }
  const viaConfirm = await timeEach(RUNS, WARMUP, async (i) => {
    const response = await fetch(confirmUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cartId: carts[i], processorToken: tokens[next++] }),
    });
    if (response.status !== 200)
      throw new Error(`confirm answered ${response.status}: ${await response.text()}`);
  });

  server.close();
  await db.close();
  await child.stop();
  await rm(dir, { recursive: true, force: true });

  const added = percentile(viaConfirm, 50) - percentile(direct, 50);
  return [
    { name: "sandbox /payments via processor p50", value: percentile(direct, 50), unit: "ms" },
    {
      name: "confirm over HTTP p50",
      value: percentile(viaConfirm, 50),
      unit: "ms",
      detail: { p99: percentile(viaConfirm, 99) },
    },
    {
      name: "confirm added latency p50 (confirm - sandbox /payments)",
      value: added,
      unit: "ms",
      target: "<= 3 ms",
      met: added <= 3,
      detail: { runs: RUNS, synchronous: "FULL" },
    },
  ];
}
