import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { type EventIds, signedEvents } from "./support/ingest.js";
import { wrkBlast } from "./support/wrk.js";

/**
 * Webhook ingest: verified + durably stored (SQLite, synchronous=FULL) + acknowledged, through the
 * node:http and Express adapters, each beside a bare HMAC-only server and the generator's ceiling
 * (a server that answers without reading) of the same framework, in the same run. The generator is
 * wrk (C, pre-signed bodies rotated in Lua), so the server is what is measured. Event ids are shaped
 * like Checkout.com's (random base32), so each lands at a random place in the inbox's unique index;
 * sequential ids, cheaper for the store, are measured beside them for context. Every run ends with
 * the ledger: every acknowledged event is stored. Each server is warmed up with a second of
 * traffic before the measured run, as a server in service would be. Bare and Handoff take turns,
 * back to back, five times: the ratio is the median of the five pairs' ratios, so a slow moment of
 * the machine lands on both halves of a pair, or on one pair the median passes over.
 * Targets: ≥ 0.8 × bare (both adapters), p99 ≤ 20 ms (node:http).
 */
const SECONDS = 3;
/** Bare and Handoff take turns this many times; each figure is the median of its rounds. */
const ROUNDS = 5;
/** Each server first takes this much traffic unmeasured (JIT, page cache, the WAL file's first growth). */
const WARM_UP_SECONDS = 1;
const CONNECTIONS = 64;
/** More than any run can send in SECONDS, so no event is sent twice. */
const EVENTS = 200_000;

type Measured = Awaited<ReturnType<typeof measure>>;

async function measure(mode: string, run: string, ids: EventIds = "checkout") {
  const child = await forkTs(resolve(import.meta.dirname, "support/webhook-server.ts"), [mode]);
  const { url } = child.ready as { url: string };
  const options = { connections: CONNECTIONS };
  const warm = await wrkBlast(url, signedEvents(`${run}w`, EVENTS / 2, ids), {
    ...options,
    seconds: WARM_UP_SECONDS,
  });
  const result = await wrkBlast(url, signedEvents(run, EVENTS, ids), { ...options, seconds: SECONDS });
  const { stored } = await child.ask<{ stored: number }>("count");
  await child.stop();
  // The ledger counts both blasts: every event acknowledged in either is stored.
  return {
    ...result,
    stored,
    failures: warm.failures + result.failures,
    ledger: { sent: warm.sent + result.sent, acked: warm.acked + result.acked },
  };
}

const median = <T>(runs: T[], pick: (m: T) => number) =>
  runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? Number.NaN;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const framework of ["node", "express"] as const) {
    const label = framework === "node" ? "node:http" : "Express";
    const f = framework.slice(0, 1);
    const ceiling = await measure(`${framework}-ceiling`, `${f}c`);
    const bares: Measured[] = [];
    const handoffs: Measured[] = [];
    const sequentials: Measured[] = [];
    // Turns, not one long run each: both see the same machine, whatever else it is doing.
    for (let round = 0; round < ROUNDS; round++) {
      bares.push(await measure(`${framework}-bare`, `${f}b${round}`));
      handoffs.push(await measure(`${framework}-handoff`, `${f}h${round}`));
      if (framework === "node")
        sequentials.push(await measure(`${framework}-handoff`, `${f}s${round}`, "sequential"));
    }
    const bare = { rate: median(bares, (m) => m.rate), p99: median(bares, (m) => m.p99) };
    const handoff = { rate: median(handoffs, (m) => m.rate), p99: median(handoffs, (m) => m.p99) };
    const pairRatios = (runs: Measured[]) => runs.map((h, i) => h.rate / (bares[i] as Measured).rate);
    const ratios = pairRatios(handoffs);
    const ratio = median(ratios, (r) => r);
    // Requests still in flight when wrk stops may be stored without being counted as acknowledged.
    const stores = [...handoffs, ...sequentials];
    const ledger = stores.every(
      (h) => h.failures === 0 && h.stored >= h.ledger.acked && h.stored <= h.ledger.sent,
    );
    const sum = (pick: (m: Measured) => number) => stores.reduce((n, m) => n + pick(m), 0);
    results.push(
      {
        name: `${label} generator ceiling (answers without reading)`,
        value: ceiling.rate,
        unit: "req/s",
        baseline: `p99 ${ceiling.p99.toFixed(1)} ms`,
      },
      {
        name: `${label} webhook ingest (verify + store + ack)`,
        value: handoff.rate,
        unit: "events/s",
        baseline: `bare HMAC-only ${Math.round(bare.rate)}/s`,
        detail: { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS },
      },
      {
        name: `${label} ingest vs bare`,
        value: ratio,
        unit: "×",
        target: ">= 0.8",
        met: ratio >= 0.8,
        baseline: `pairs ${ratios.map((r) => r.toFixed(2)).join(" ")}; bare ${Math.round(bare.rate)}/s, ceiling ${Math.round(ceiling.rate)}/s`,
        detail: { pairRatios: ratios.map((r) => Number(r.toFixed(3))) },
      },
      ...(sequentials.length > 0
        ? [
            {
              name: `${label} ingest vs bare, sequential evt_ ids (context: what runs before measured)`,
              value: median(pairRatios(sequentials), (r) => r),
              unit: "×",
              baseline: `${Math.round(median(sequentials, (m) => m.rate))}/s; pairs ${pairRatios(sequentials)
                .map((r) => r.toFixed(2))
                .join(" ")}`,
            },
          ]
        : []),
      {
        name: `${label} webhook ingest p99`,
        value: handoff.p99,
        unit: "ms",
        baseline: `bare p99 ${bare.p99.toFixed(1)} ms, ceiling p99 ${ceiling.p99.toFixed(1)} ms`,
        ...(framework === "node" ? { target: "<= 20 ms", met: handoff.p99 <= 20 } : {}),
      },
      {
        name: `${label} ledger: every acknowledged event stored`,
        value: sum((m) => m.stored),
        unit: "events",
        target: "stored ≥ acked",
        met: ledger,
        baseline: `sent ${sum((m) => m.ledger.sent)}, acked ${sum((m) => m.ledger.acked)}`,
        detail: { failures: sum((m) => m.failures) },
      },
    );
  }
  return results;
}
