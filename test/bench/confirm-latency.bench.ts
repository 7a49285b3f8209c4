import { resolve } from "node:path";
import { CheckoutComProcessor } from "@handoff/server";
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
  // The shop in its own process, as in production: its event loop is not the load generator's.
  const shop = await forkTs(resolve(import.meta.dirname, "support/confirm-server.ts"), [url, secretKey]);
  const confirmUrl = String(shop.ready.url);
  const processor = new CheckoutComProcessor({ secretKey, publicKey: "pk_unused", host: url });

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
  const { carts } = await shop.ask<{ carts: string[] }>("carts", { count: RUNS + WARMUP });
  const viaConfirm = await timeEach(RUNS, WARMUP, async (i) => {
    const response = await fetch(confirmUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cartId: carts[i], processorToken: tokens[next++] }),
    });
    if (response.status !== 200)
      throw new Error(`confirm answered ${response.status}: ${await response.text()}`);
  });

  await shop.stop();
  await child.stop();

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
