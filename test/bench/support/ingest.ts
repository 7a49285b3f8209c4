import { createHmac } from "node:crypto";
import autocannon from "autocannon";

export const INGEST_KEY = "whsec_bench";

/** `count` distinct signed `payment_captured` events, ids prefixed by `run` so runs never collide. */
export function signedEvents(run: string, count: number) {
  return Array.from({ length: count }, (_, i) => {
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
    return { body, signature: createHmac("sha256", INGEST_KEY).update(body).digest("hex") };
  });
}

export interface Blast {
  acked: number;
  sent: number;
  failures: number;
  p99: number;
}

/** Sends every event once over `connections` keep-alive connections (autocannon). */
export async function blast(
  url: string,
  events: Array<{ body: string; signature: string }>,
  connections: number,
): Promise<Blast> {
  let next = 0;
  const result = await autocannon({
    url,
    method: "POST",
    connections,
    amount: events.length,
    headers: { "content-type": "application/json" },
    requests: [
      {
        setupRequest: (request) => {
          const event = events[next++ % events.length];
          return {
            ...request,
            body: event?.body,
            headers: { ...request.headers, "cko-signature": event?.signature ?? "" },
          };
        },
      },
    ],
  });
  return {
    acked: result["2xx"],
    sent: result.requests.sent ?? result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
    p99: result.latency.p99,
  };
}
