import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signTestWebhook } from "@handoff/server";
import { openSqlite } from "@handoff/server/sqlite";
import { afterAll, beforeAll, describe, it } from "vitest";
import { sampleEventFor } from "../../packages/server/src/test-support/events.js";
import { CHILD_KEYS, startChildShop } from "./support/child-shop.js";
import { ledger, runs } from "./support/ledger.js";

/**
 * A shop process killed with SIGKILL in the middle of a webhook blast: every event it acknowledged
 * is stored when it comes back, and what it never acknowledged is stored once Checkout.com retries.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-crash-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function blast(url: string, bodies: string[], acked: Set<string>, stopAfter?: number) {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const signed = signTestWebhook(body, CHILD_KEYS.signatureKey);
      try {
        const response = await fetch(`${url}/webhooks/checkoutdotcom`, {
          method: "POST",
          body: signed.body,
          headers: signed.headers,
        });
        if (response.status === 200) acked.add(JSON.parse(body).id);
      } catch {
        // the process died under this request: not acknowledged, Checkout.com will retry it
      }
      if (stopAfter !== undefined && acked.size >= stopAfter) return;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

describe("SIGKILL during an ingest blast", () => {
  it("loses nothing acknowledged and stores the rest on retry: sent = acked = stored", async () => {
    const databaseUrl = `file:${join(dir, "crash.db")}`;
    const sent = runs(1500, 6000);
    const bodies = Array.from({ length: sent }, () => JSON.stringify(sampleEventFor("payment_captured")));
    const acked = new Set<string>();

    const first = await startChildShop(databaseUrl);
    const blasting = blast(first.url, bodies, acked);
    while (acked.size < sent / 3) await new Promise((r) => setTimeout(r, 5));
    await first.kill();
    await blasting;
    const ackedBeforeKill = acked.size;

    const second = await startChildShop(databaseUrl);
    const reader = await openSqlite(databaseUrl);
    const stored = async (ids: Iterable<string>) => {
      let n = 0;
      for (const id of ids) {
        const row = await reader.execute("SELECT 1 FROM webhook_events WHERE id = ?", [id]);
        if (row.rows.length === 1) n++;
      }
      return n;
    };
    const ackedStored = await stored(acked);
    // Checkout.com retries whatever was not acknowledged.
    const unacked = bodies.filter((b) => !acked.has(JSON.parse(b).id));
    await blast(second.url, unacked, acked);
    const total = Number((await reader.execute("SELECT COUNT(*) AS n FROM webhook_events")).rows[0]?.n);
    await reader.close();
    await second.stop();

    ledger("crash", [
      { check: "events sent", info: sent },
      {
        check: "killed mid-blast (acknowledged before SIGKILL < sent)",
        expected: "yes",
        actual: ackedBeforeKill < sent ? "yes" : "no",
      },
      {
        check: "acknowledged before SIGKILL and stored after restart",
        expected: ackedBeforeKill,
        actual: ackedStored,
      },
      { check: "acknowledged in the end (after retries)", expected: sent, actual: acked.size },
      { check: "stored in the end, each once", expected: sent, actual: total },
    ]);
  }, 180_000);
});
