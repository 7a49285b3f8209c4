import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open.js";
import type { SqlClient } from "../db/sql-client.js";
import { freshPostgresDatabase, testEngine } from "../test-support/postgres.js";
import { orderSettledEvent } from "./events.js";
import { appendManyToOutbox } from "./sql-outbox.js";

/** Many events appended at once (settlement's order.settled), on the engine of the test project. */
let dir: string;
let db: SqlClient;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-append-"));
  db = await openDatabase(
    testEngine() === "postgres" ? await freshPostgresDatabase() : `file:${join(dir, "shop.db")}`,
  );
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

const settled = (i: number) => ({
  orderId: `ord_${String(i).padStart(4, "0")}`,
  event: orderSettledEvent({
    orderId: `ord_${String(i).padStart(4, "0")}`,
    reference: `ord_${String(i).padStart(4, "0")}`,
    currency: "GBP",
    gross: "10.00",
    fees: "-0.20",
    net: "9.80",
    payoutId: "00000000AP01",
    occurredAt: "2026-12-01T10:00:00.000Z",
  }),
});

describe("appending many events to the outbox", () => {
  it("keeps them in the order given, each once, however many there are", async () => {
    const events = Array.from({ length: 123 }, (_, i) => settled(i));
    await db.transaction((tx) => appendManyToOutbox(tx, events));
    // Some again, among new ones: the repeats are no-ops, the new ones come after.
    const more = Array.from({ length: 60 }, (_, i) => settled(100 + i));
    await db.transaction((tx) => appendManyToOutbox(tx, more));
    const rows = (await db.execute("SELECT event_id, order_id, payload_json FROM outbox ORDER BY id")).rows;
    expect(rows.map((r) => r.order_id)).toEqual(Array.from({ length: 160 }, (_, i) => settled(i).orderId));
    expect(JSON.parse(String(rows[57]?.payload_json))).toEqual(settled(57).event);
  });
});
