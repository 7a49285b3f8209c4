import { createHmac } from "node:crypto";
import { resolve } from "node:path";
import autocannon from "autocannon";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";

/**
 * Webhook ingest: verified + durably stored (SQLite, synchronous=FULL) + acknowledged, through
 * the node:http and Express adapters, each beside a bare HMAC-only server of the same framework
 * in the same run. Every run ends with the ledger: sent = acked = stored.
 * Targets (node:http): ≥ 10,000 events/s, p99 ≤ 20 ms, ≥ 0.5 × bare (ARCHITECTURE §7).
 */
const EVENTS = 40_000;
const CONNECTIONS = 64;
const KEY = "whsec_bench";

function signedEvents(run: string) {
  return Array.from({ length: EVENTS }, (_, i) => {
    const body = JSON.stringify({
      id: `evt_${run}${String(i).padStart(26 - run.length, "0")}`,
      type: "payment_captured",
      version: "1.0.29",
      created_on: "2026-11-23T10:00:00.0000000Z",
      data: {
        id: "pay_mbabizu24mvu3mela5njyhpit4",
        action_id: "act_mbabizu24mvu3mela5njyhpit4",
        amount: 6540,
        currency: "GBP",
      },
    });
    return { body, signature: createHmac("sha256", KEY).update(body).digest("hex") };
  });
}

async function measure(mode: string, run: string) {
  const child = await forkTs(resolve(import.meta.dirname, "support/webhook-server.ts"), [mode]);
  const { url } = child.ready as { url: string };
  const events = signedEvents(run);
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    amount: EVENTS,
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const event = events[next++ % EVENTS];
          return {
            ...request,
            body: event?.body,
            headers: { ...request.headers, "cko-signature": event?.signature ?? "" },
          };
        },
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const { stored } = await child.ask<{ stored: number }>("count");
  await child.stop();
  const acked = result["2xx"];
  return {
    rate: acked / seconds,
    p99: result.latency.p99,
    sent: result.requests.sent ?? result.requests.total,
    acked,
    stored,
    failures: result.non2xx + result.errors + result.timeouts,
  };
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
