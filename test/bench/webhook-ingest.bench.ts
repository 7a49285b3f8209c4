import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { signedEvents } from "./support/ingest.js";
import { wrkBlast } from "./support/wrk.js";

/**
 * Webhook ingest: verified + durably stored (SQLite, synchronous=FULL) + acknowledged, through the
 * node:http and Express adapters, each beside a bare HMAC-only server and the generator's ceiling
 * (a server that answers without reading) of the same framework, in the same run. The generator is
 * wrk (C, pre-signed bodies rotated in Lua), so the server is what is measured. Every run ends with
 * the ledger: every acknowledged event is stored.
 * Targets: ≥ 0.8 × bare (both adapters), p99 ≤ 20 ms (node:http).
 */
const SECONDS = 4;
const CONNECTIONS = 64;
/** More than any run can send in SECONDS, so no event is sent twice. */
const EVENTS = 240_000;

async function measure(mode: string, run: string) {
  const child = await forkTs(resolve(import.meta.dirname, "support/webhook-server.ts"), [mode]);
  const { url } = child.ready as { url: string };
  const result = await wrkBlast(url, signedEvents(run, EVENTS), {
    connections: CONNECTIONS,
    seconds: SECONDS,
  });
  const { stored } = await child.ask<{ stored: number }>("count");
  await child.stop();
  return { ...result, stored };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const framework of ["node", "express"] as const) {
    const label = framework === "node" ? "node:http" : "Express";
    const f = framework.slice(0, 1);
    const ceiling = await measure(`${framework}-ceiling`, `${f}c`);
    const bare = await measure(`${framework}-bare`, `${f}b`);
    const handoff = await measure(`${framework}-handoff`, `${f}h`);
    const ratio = handoff.rate / bare.rate;
    // Requests still in flight when wrk stops may be stored without being counted as acknowledged.
    const ledger =
      handoff.failures === 0 && handoff.stored >= handoff.acked && handoff.stored <= handoff.sent;
    results.push(
      {
        name: `${label} generator ceiling (answers without reading)`,
        value: ceiling.rate,
        unit: "req/s",
        detail: { p99_ms: ceiling.p99 },
      },
      {
        name: `${label} bare HMAC-only server`,
        value: bare.rate,
        unit: "events/s",
        detail: { p99_ms: bare.p99 },
      },
      {
        name: `${label} webhook ingest (verify + store + ack)`,
        value: handoff.rate,
        unit: "events/s",
        detail: { connections: CONNECTIONS, seconds: SECONDS, baseline: `bare ${Math.round(bare.rate)}/s` },
      },
      { name: `${label} ingest vs bare`, value: ratio, unit: "ratio", target: ">= 0.8", met: ratio >= 0.8 },
      {
        name: `${label} webhook ingest p99`,
        value: handoff.p99,
        unit: "ms",
        ...(framework === "node" ? { target: "<= 20", met: handoff.p99 <= 20 } : {}),
      },
      {
        name: `${label} ledger: every acknowledged event stored`,
        value: handoff.stored,
        unit: "events",
        target: `>= ${handoff.acked} acked`,
        met: ledger,
        detail: {
          sent: handoff.sent,
          acked: handoff.acked,
          stored: handoff.stored,
          failures: handoff.failures,
        },
      },
    );
  }
  return results;
}
