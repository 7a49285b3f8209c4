import { resolve } from "node:path";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";
import { blast, signedEvents } from "./support/ingest.js";

/**
 * Webhook ingest: verified + durably stored (SQLite, synchronous=FULL) + acknowledged, through
 * the node:http and Express adapters, each beside a bare HMAC-only server of the same framework
 * in the same run. Every run ends with the ledger: sent = acked = stored.
 * Targets (node:http): ≥ 10,000 events/s, p99 ≤ 20 ms, ≥ 0.5 × bare (ARCHITECTURE §7).
 */
const EVENTS = 40_000;
const CONNECTIONS = 64;

async function measure(mode: string, run: string) {
  const child = await forkTs(resolve(import.meta.dirname, "support/webhook-server.ts"), [mode]);
  const { url } = child.ready as { url: string };
  const events = signedEvents(run, EVENTS);
  const started = performance.now();
  const result = await blast(url, events, CONNECTIONS);
  const seconds = (performance.now() - started) / 1000;
  const { stored } = await child.ask<{ stored: number }>("count");
  await child.stop();
  return { ...result, rate: result.acked / seconds, stored };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const framework of ["node", "express"] as const) {
    const bare = await measure(`${framework}-bare`, `${framework.slice(0, 1)}b`);
    const handoff = await measure(`${framework}-handoff`, `${framework.slice(0, 1)}h`);
    const ledger =
      handoff.sent === handoff.acked && handoff.acked === handoff.stored && handoff.failures === 0;
    const ratio = handoff.rate / bare.rate;
    const label = framework === "node" ? "node:http" : "Express";
    const isNode = framework === "node";
    results.push(
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
        ...(isNode ? { target: ">= 10000", met: handoff.rate >= 10_000 } : {}),
        detail: { connections: CONNECTIONS, events: EVENTS },
      },
      {
        name: `${label} webhook ingest p99`,
        value: handoff.p99,
        unit: "ms",
        ...(isNode ? { target: "<= 20", met: handoff.p99 <= 20 } : {}),
      },
      {
        name: `${label} ingest vs bare`,
        value: ratio,
        unit: "ratio",
        ...(isNode ? { target: ">= 0.5", met: ratio >= 0.5 } : {}),
      },
      {
        name: `${label} ledger sent = acked = stored`,
        value: handoff.stored,
        unit: "events",
        target: `= ${EVENTS}`,
        met: ledger && handoff.stored === EVENTS,
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
