import { createHash, createHmac } from "node:crypto";

export const INGEST_KEY = "whsec_bench";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** How the events' ids are made: shaped like Checkout.com's (random), or numbered in order. */
export type EventIds = "checkout" | "sequential";

/**
 * An `evt_` id for event `i` of `run`. Checkout.com's are 26 random base32 characters, so by
 * default these are too (derived from a hash, so a run is the same every time): a store's unique
 * index then takes each one at a random place, as it would in service. `sequential` ids (the run,
 * then the number) all land at the end of the index, which is cheaper and flatters the store.
 */
function eventId(run: string, i: number, ids: EventIds): string {
  if (ids === "sequential") return `evt_${run}${String(i).padStart(26 - run.length, "0")}`;
  const hash = createHash("sha256").update(`${run}:${i}`).digest();
  let id = "evt_";
  for (let k = 0; k < 26; k++) id += BASE32[(hash[k] as number) % 32];
  return id;
}

/** `count` distinct signed `payment_captured` events; the run's name keeps runs from colliding. */
export function signedEvents(run: string, count: number, ids: EventIds = "checkout") {
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify({
      id: eventId(run, i, ids),
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
