import { createHmac } from "node:crypto";

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
