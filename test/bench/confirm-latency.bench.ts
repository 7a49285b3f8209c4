import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { percentile } from "./support/stats.js";

/**
 * What Handoff adds to a charge. Both requests go over HTTP to the same shop process and end in the
 * same call to the sandbox's /payments: `confirm` (validation, pricing, stock, two durable SQLite
 * transactions with synchronous=FULL, the Checkout.com call) and a bare route that only makes the
 * call. They alternate, so both see the same machine. The shop also times, per confirm, what it
 * spends around the charge (request in → answer written, minus the processor call): the target,
 * ≤ 2 ms at p50, is on that. Two durable writes are the floor, so the report shows one fsync on the
 * database's disk and, taking turns with the others, a bare route that does only those two: lock
 * one row, write it, commit; the same call; again (libsql's synchronous API, its own file).
 */
const RUNS = 800;
const WARMUP = 50;

export async function run(): Promise<BenchResult[]> {
  const sandbox = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  const { url, secretKey } = sandbox.ready as { url: string; secretKey: string };
  const { tokens } = await sandbox.ask<{ tokens: string[] }>("tokens", { count: 3 * (RUNS + WARMUP) });
  // The shop in its own process, as in production: its event loop is not the load generator's.
  const shop = await forkTs(resolve(import.meta.dirname, "support/confirm-server.ts"), [url, secretKey]);
  // A real checkout opens its session (and order) before Pay; that part is not what we time.
  const { carts } = await shop.ask<{ carts: string[] }>("carts", { count: RUNS + WARMUP });
  const post = async (target: string, body: unknown) => {
    const response = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 200)
      throw new Error(`${target} answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };

  const bare: number[] = [];
  const confirm: number[] = [];
  let next = 0;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    let started = performance.now();
    await post(String(shop.ready.bareUrl), { processorToken: tokens[next++] });
    if (i >= WARMUP) bare.push(performance.now() - started);
    await post(String(shop.ready.bareLockedUrl), { processorToken: tokens[next++] });
    started = performance.now();
    await post(String(shop.ready.url), { cartId: carts[i], processorToken: tokens[next++] });
    if (i >= WARMUP) confirm.push(performance.now() - started);
  }
  const {
    samples: inShop,
    cpu,
    bare: bareInShop,
  } = await shop.ask<{ samples: number[]; cpu: number[]; bare: number[] }>("added");
  const inShopP50 = percentile(inShop.slice(-RUNS), 50);
  const bareLockedP50 = percentile(bareInShop.slice(-RUNS), 50);
  // CPU, unlike wall-clock time, does not count waiting for another process's turn on a shared core.
  const cpuP50 = percentile(cpu.slice(-RUNS), 50);
  const { p50: fsync } = await shop.ask<{ p50: number }>("fsync");
  await shop.stop();
  await sandbox.stop();

  const added = percentile(confirm, 50) - percentile(bare, 50);
  return [
    {
      name: "confirm over HTTP p50",
      value: percentile(confirm, 50),
      unit: "ms",
      detail: { p99: percentile(confirm, 99), bare_p99: percentile(bare, 99) },
    },
    {
      name: "confirm added over HTTP p50 (confirm − bare charge)",
      value: added,
      unit: "ms",
      baseline: `bare charge ${percentile(bare, 50).toFixed(2)} ms`,
    },
    {
      name: "confirm's own time around the charge p50 (in the shop)",
      value: inShopP50,
      unit: "ms",
      target: "<= 2 ms",
      met: inShopP50 <= 2,
      baseline: `bare lock-and-commit route ${bareLockedP50.toFixed(2)} ms; one fsync ${fsync.toFixed(2)} ms (2 × fsync = ${(2 * fsync).toFixed(2)} ms); CPU ${cpuP50.toFixed(2)} ms`,
      detail: {
        runs: RUNS,
        synchronous: "FULL",
        fsync_p50_ms: fsync,
        p99: percentile(inShop, 99),
        cpu_p50_ms: cpuP50,
        bare_locked_p50_ms: bareLockedP50,
      },
    },
    {
      name: "bare lock-and-commit route's own time around the charge p50 (in the shop; context: the two durable commits alone)",
      value: bareLockedP50,
      unit: "ms",
      baseline: `confirm over it ${(inShopP50 - bareLockedP50).toFixed(2)} ms`,
    },
  ];
}
