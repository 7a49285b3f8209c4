import { resolve } from "node:path";
import autocannon from "autocannon";
import type { BenchResult } from "../../scripts/bench.js";
import { forkTs } from "./support/child.js";

/**
 * The sandbox's own `POST /payments` throughput and latency: later benchmarks (confirm latency)
 * subtract it. Measured on an empty sandbox and again holding 100k payments, which must not slow it down.
 */
const DURATION_S = 5;
const CONNECTIONS = 16;

export async function run(): Promise<BenchResult[]> {
  const child = await forkTs(resolve(import.meta.dirname, "support/sandbox-process.ts"));
  const { url, secretKey } = child.ready as { url: string; secretKey: string };

  async function measure() {
    const { tokens } = await child.ask<{ tokens: string[] }>("tokens", { count: 120_000 });
    let i = 0;
    const result = await autocannon({
      url: `${url}/payments`,
      method: "POST",
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json" },
      requests: [
        {
          setupRequest: (request) => {
            const token = tokens[i++ % tokens.length];
            return {
              ...request,
              body: JSON.stringify({
                source: { type: "token", token },
                amount: 6540,
                currency: "GBP",
                capture: false,
                reference: `bench_${i}`,
                metadata: { AccelerateToken: token },
              }),
            };
          },
        },
      ],
    });
    if (i > tokens.length) throw new Error("benchmark ran out of tokens; raise the count");
    return result;
  }

  const empty = await measure();
  const fill = await child.ask<{ ms: number; payments: number }>("fill", { total: 100_000 });
  const full = await measure();
  await child.stop();

  const ratio = full.requests.average / empty.requests.average;
  const errors = empty.non2xx + full.non2xx + empty.errors + full.errors;
  return [
    {
      name: "sandbox POST /payments throughput",
      value: empty.requests.average,
      unit: "req/s",
      detail: { connections: CONNECTIONS, seconds: DURATION_S, non2xx_or_errors: errors },
    },
    { name: "sandbox POST /payments latency p50", value: empty.latency.p50, unit: "ms" },
    { name: "sandbox POST /payments latency p99", value: empty.latency.p99, unit: "ms" },
    {
      name: "sandbox throughput holding 100k payments, vs empty",
      value: ratio,
      unit: "ratio",
      target: ">= 0.8",
      met: ratio >= 0.8 && errors === 0,
      detail: {
        rps_full: full.requests.average,
        p99_full_ms: full.latency.p99,
        fill_100k_ms: Math.round(fill.ms),
      },
    },
  ];
}
