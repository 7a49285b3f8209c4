import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { signedEvents } from "./support/ingest.js";
import { percentile, timeEach } from "./support/stats.js";
import { wrkBlast } from "./support/wrk.js";

/**
 * Does a shop slow down as its history grows? One shop (SQLite, synchronous=FULL) measured with
 * 10k stored webhook events (1k orders), then 10× and 100× that (1M events, 100k orders with their
 * attempts and timelines): webhook ingest rate and confirm latency at each size. Flat is the goal:
 * each figure is compared with the same shop's at the smallest size.
 */
const SIZES = [1_000, 10_000, 100_000];
const INGEST_SECONDS = 2;
/**
 * Rounds per size, each an ingest run then a series of confirms; the median round is kept for each,
 * so one slow moment of the machine is not the figure.
 */
const ROUNDS = 5;
const CONFIRMS = 100;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export async function run(): Promise<BenchResult[]> {
  const sandbox = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  const { url, secretKey } = sandbox.ready as { url: string; secretKey: string };
  const shop = await forkTs(resolve(import.meta.dirname, "support/confirm-server.ts"), [url, secretKey]);
  const measured: Array<{ orders: number; events: number; rate: number; p99: number; confirm: number }> = [];
  try {
    const blast = (run: string, seconds: number) =>
      wrkBlast(String(shop.ready.webhookUrl), signedEvents(run, 100_000), { connections: 64, seconds });
    /** CONFIRMS paid checkouts, one after another, each timed from POST to answer. */
    const confirmSeries = async () => {
      const { carts } = await shop.ask<{ carts: string[] }>("carts", { count: CONFIRMS + 20 });
      const { tokens } = await sandbox.ask<{ tokens: string[] }>("tokens", { count: CONFIRMS + 20 });
      return timeEach(CONFIRMS, 20, async (n) => {
        const response = await fetch(String(shop.ready.url), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ cartId: carts[n], processorToken: tokens[n] }),
        });
        if (response.status !== 200) throw new Error(`confirm answered ${response.status}`);
        await response.arrayBuffer();
      });
    };
    // Warm up (JIT, the page cache) so the smallest size is not also the coldest.
    await blast("warm", 1);
    await confirmSeries();
    let orders = 0;
    for (const [i, size] of SIZES.entries()) {
      await shop.ask("history", { orders: size - orders });
      orders = size;
      const { stored: before } = await shop.ask<{ stored: number }>("count");
      const rounds: Array<Awaited<ReturnType<typeof blast>>> = [];
      const confirmP50s: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        rounds.push(await blast(`s${i}r${r}`, INGEST_SECONDS));
        confirmP50s.push(percentile(await confirmSeries(), 50));
      }
      measured.push({
        orders,
        events: before,
        rate: median(rounds.map((b) => b.rate)),
        p99: median(rounds.map((b) => b.p99)),
        confirm: median(confirmP50s),
      });
    }
  } finally {
    await shop.stop();
    await sandbox.stop();
  }

  const [first] = measured;
  if (!first) return [];
  const results: BenchResult[] = [];
  for (const m of measured.slice(1)) {
    const times = `${Math.round(m.orders / first.orders)}×`;
    const history = `${Math.round(m.events / 1000).toLocaleString("en-GB")}k events`;
    const ingestRatio = m.rate / first.rate;
    const confirmRatio = m.confirm / first.confirm;
    results.push(
      {
        name: `ingest with ${times} the history (${history}) vs 1×`,
        value: ingestRatio,
        unit: "×",
        target: ">= 0.8",
        met: ingestRatio >= 0.8,
        baseline: `1×: ${Math.round(first.rate)}/s, p99 ${first.p99.toFixed(1)} ms; now ${Math.round(m.rate)}/s, p99 ${m.p99.toFixed(1)} ms`,
      },
      {
        name: `confirm p50 with ${times} the history vs 1×`,
        value: confirmRatio,
        unit: "×",
        target: "<= 1.25",
        met: confirmRatio <= 1.25,
        baseline: `1×: ${first.confirm.toFixed(2)} ms; now ${m.confirm.toFixed(2)} ms`,
      },
    );
  }
  return results;
}
