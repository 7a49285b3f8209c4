import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { signedEvents } from "./support/ingest.js";
import { percentile, timeEach } from "./support/stats.js";
import { wrkBlast } from "./support/wrk.js";

/**
 * Does a shop slow down as its history grows? One shop (SQLite, synchronous=FULL) grows from 1k
 * orders (10k stored webhook events) to 10× and 100× that (1M events, 100k orders with their
 * attempts and timelines). At each size it takes turns with a reference shop started fresh for that
 * size with the 1× history: an ingest run, then a series of confirms, on one and then the other, so
 * both see the same minutes of the machine. Each figure is the median of the pairs' ratios (grown
 * over reference); flat is the goal.
 */
const SIZES = [10_000, 100_000];
const FIRST_ORDERS = 1_000;
const INGEST_SECONDS = 2;
/** Pairs of rounds per size (reference, then grown); the median pair is the figure. */
const ROUNDS = 5;
const CONFIRMS = 100;

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

type Child = Awaited<ReturnType<typeof forkTs>>;
interface Round {
  rate: number;
  p99: number;
  confirm: number;
}

export async function run(): Promise<BenchResult[]> {
  const sandbox = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  const { url, secretKey } = sandbox.ready as { url: string; secretKey: string };
  const startShop = () => forkTs(resolve(import.meta.dirname, "support/confirm-server.ts"), [url, secretKey]);
  let blasts = 0;
  /** One round on `shop`: an ingest run, then CONFIRMS paid checkouts one after another. */
  const round = async (shop: Child): Promise<Round> => {
    const blast = await wrkBlast(String(shop.ready.webhookUrl), signedEvents(`b${blasts++}`, 100_000), {
      connections: 64,
      seconds: INGEST_SECONDS,
    });
    const { carts } = await shop.ask<{ carts: string[] }>("carts", { count: CONFIRMS + 20 });
    const { tokens } = await sandbox.ask<{ tokens: string[] }>("tokens", { count: CONFIRMS + 20 });
    const confirms = await timeEach(CONFIRMS, 20, async (n) => {
      const response = await fetch(String(shop.ready.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cartId: carts[n], processorToken: tokens[n] }),
      });
      if (response.status !== 200) throw new Error(`confirm answered ${response.status}`);
      await response.arrayBuffer();
    });
    return { rate: blast.rate, p99: blast.p99, confirm: percentile(confirms, 50) };
  };
  /** A shop with the 1× history, warmed up (JIT, the page cache) as a shop in service would be. */
  const reference = async () => {
    const shop = await startShop();
    await shop.ask("history", { orders: FIRST_ORDERS });
    await round(shop);
    return shop;
  };
  const measured: Array<{ orders: number; events: number; pairs: Array<[Round, Round]> }> = [];
  const grown = await reference();
  try {
    let orders = FIRST_ORDERS;
    for (const size of SIZES) {
      await grown.ask("history", { orders: size - orders });
      orders = size;
      const { stored: events } = await grown.ask<{ stored: number }>("count");
      const small = await reference();
      const pairs: Array<[Round, Round]> = [];
      try {
        for (let r = 0; r < ROUNDS; r++) pairs.push([await round(small), await round(grown)]);
      } finally {
        await small.stop();
      }
      measured.push({ orders, events, pairs });
    }
  } finally {
    await grown.stop();
    await sandbox.stop();
  }

  const results: BenchResult[] = [];
  for (const m of measured) {
    const times = `${Math.round(m.orders / FIRST_ORDERS)}×`;
    const history = `${Math.round(m.events / 1000).toLocaleString("en-GB")}k events`;
    const ingestRatios = m.pairs.map(([a, b]) => b.rate / a.rate);
    const confirmRatios = m.pairs.map(([a, b]) => b.confirm / a.confirm);
    const ingestRatio = median(ingestRatios);
    const confirmRatio = median(confirmRatios);
    const side = (pick: (r: Round) => number, i: 0 | 1) => median(m.pairs.map((pair) => pick(pair[i])));
    results.push(
      {
        name: `ingest with ${times} the history (${history}) vs a 1× shop in the same minutes`,
        value: ingestRatio,
        unit: "×",
        target: ">= 0.8",
        met: ingestRatio >= 0.8,
        baseline: `pairs ${ingestRatios.map((r) => r.toFixed(2)).join(" ")}; 1×: ${Math.round(side((r) => r.rate, 0))}/s, p99 ${side((r) => r.p99, 0).toFixed(1)} ms; ${times}: ${Math.round(side((r) => r.rate, 1))}/s, p99 ${side((r) => r.p99, 1).toFixed(1)} ms`,
      },
      {
        name: `confirm p50 with ${times} the history vs a 1× shop in the same minutes`,
        value: confirmRatio,
        unit: "×",
        target: "<= 1.25",
        met: confirmRatio <= 1.25,
        baseline: `pairs ${confirmRatios.map((r) => r.toFixed(2)).join(" ")}; 1×: ${side((r) => r.confirm, 0).toFixed(2)} ms; ${times}: ${side((r) => r.confirm, 1).toFixed(2)} ms`,
      },
    );
  }
  return results;
}
