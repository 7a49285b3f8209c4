import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationInputSchema, toDestination } from "../outbox/destinations.js";
import { newDestinationSecret } from "../outbox/sign.js";
import { type Receiver, startReceiver } from "../test-support/receiver.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { formatDecimal } from "./decimal.js";
import { ingestReport } from "./ingest-report.js";
import type { SettlementService } from "./setup.js";

/**
 * Settlement against the sandbox's own settlement (the real parts: the sandbox over HTTP, the
 * official SDK's financial and reports clients, signed report_generated webhooks, SQLite or
 * PostgreSQL): after `POST /_sandbox/settle`, every paid order shows its settlement, every payout
 * adds up, each seeded finance fault lands in the exceptions, and reading a report again changes nothing.
 */
let h: WebhookHarness;
let settlement: SettlementService;
let finance: Receiver;
const secret = newDestinationSecret();

beforeAll(async () => {
  h = await startWebhookHarness({ outbox: { pollMs: 20 } });
  settlement = h.service.settlement as SettlementService;
  // The merchant's finance system, taking settlement events only.
  finance = await startReceiver();
  const input = destinationInputSchema.parse({
    id: "finance",
    url: finance.url,
    secret,
    events: ["order.settled", "payout.*"],
  });
  await h.outbox.store.saveDestination(toDestination(input, "ops"), new Date().toISOString());
});
afterAll(async () => {
  await finance.close();
  await h.close();
});

async function paidOrder(items = [{ sku: "mug", quantity: 2 }]) {
  const cartId = await h.cart(items);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  expect(reply.status).toBe(200);
  await h.waitUntilQuiet();
  const orderId = (reply.body as { orderId: string }).orderId;
  expect((await h.store.getOrder(orderId))?.status).toBe("captured");
  return orderId;
}

/** A settlement day at the sandbox, its report_generated webhooks received and processed, the reports read. */
async function settleDay(): Promise<Array<{ id: string; currency: string; amount: string }>> {
  const response = await fetch(`${h.sandbox.url}/_sandbox/settle`, { method: "POST" });
  expect(response.status).toBe(201);
  const run = (await response.json()) as { payouts: Array<{ id: string; currency: string; amount: string }> };
  await h.waitUntilQuiet();
  await settlement.drain();
  return run.payouts;
}

async function configure(body: unknown) {
  const response = await fetch(`${h.sandbox.url}/_sandbox/settlement`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

describe("settlement against the sandbox", () => {
  const paid: string[] = [];

  it("every paid order shows its settlement after a settlement day, and each payout adds up", async () => {
    paid.push(await paidOrder(), await paidOrder([{ sku: "poster", quantity: 1 }]));
    paid.push(await paidOrder([{ sku: "yen-tea", quantity: 2 }]));
    const payouts = await settleDay();
    expect(payouts.map((p) => p.currency).sort()).toEqual(["GBP", "JPY"]);
    for (const orderId of paid) {
      const { settlement: s, lines } = await settlement.store.orderSettlement(orderId);
      expect(s, orderId).toMatchObject({ status: "settled" });
      expect(lines.length).toBeGreaterThan(1);
      expect(s?.fees).toBeLessThan(0n);
    }
    const yen = (await settlement.store.orderSettlement(paid[2] ?? "")).settlement;
    expect(formatDecimal(yen?.gross ?? 0n, "JPY")).toBe("2400");
    for (const p of payouts) {
      const stored = await settlement.store.payout(p.id);
      expect(stored, p.id).toMatchObject({ exceptions: 0 });
      expect(formatDecimal(stored?.amount ?? 0n, p.currency)).toBe(p.amount);
      expect(stored?.amount).toBe(stored?.net);
    }
    const events = (
      await h.db.execute("SELECT type FROM outbox WHERE type IN ('order.settled', 'payout.reconciled')")
    ).rows;
    expect(events.filter((e) => e.type === "order.settled")).toHaveLength(3);
    // Delivered to the finance system, signed like every event (the official verifier accepts them).
    const deadline = Date.now() + 10_000;
    while (finance.received.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 30));
    const verifier = new Webhook(secret);
    const got = finance.received.map(
      (r) =>
        verifier.verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          data: Record<string, unknown>;
        },
    );
    expect(got.map((e) => e.type).sort()).toEqual([
      "order.settled",
      "order.settled",
      "order.settled",
      "payout.reconciled",
      "payout.reconciled",
    ]);
    const yenEvent = got.find((e) => e.type === "order.settled" && e.data.orderId === paid[2]);
    expect(yenEvent?.data).toMatchObject({ currency: "JPY", gross: "2400" });
    expect(got.find((e) => e.type === "payout.reconciled")?.data).toMatchObject({
      addsUp: true,
      exceptions: 0,
    });
  });

  it("reads the balances through the SDK's balances client, from the balances host in front of it", async () => {
    const entityId = h.sandbox.account.entityId;
    const found = await settlement.source.balances(entityId, "GBP");
    expect(found.kind).toBe("found");
    if (found.kind !== "found") return;
    expect(found.balances).toEqual([expect.objectContaining({ holdingCurrency: "GBP" })]);
    // The day's payout is payable until the next settlement day.
    expect(Number(found.balances[0]?.payable)).toBeGreaterThan(0);
    expect((await settlement.source.balances("ent_nosuchentityaaaaaaaaaaaaaa")).kind).toBe("not_found");
  });

  it("reading the sandbox's reports again changes nothing", async () => {
    const snapshot = async () => ({
      lines: (await h.db.execute("SELECT COUNT(*) AS n FROM settlement_lines")).rows[0]?.n,
      outbox: (await h.db.execute("SELECT COUNT(*) AS n FROM outbox")).rows[0]?.n,
      orders: (await h.db.execute("SELECT * FROM settlement_orders ORDER BY order_id")).rows,
      payouts: (await h.db.execute("SELECT * FROM settlement_payouts ORDER BY payout_id")).rows,
    });
    const before = await snapshot();
    const reports = (await h.db.execute("SELECT report_id FROM settlement_reports")).rows.map((r) =>
      String(r.report_id),
    );
    expect(reports.length).toBeGreaterThan(1);
    for (const reportId of reports) {
      const again = await ingestReport(
        { store: settlement.store, source: settlement.source },
        { reportId, filesDone: [], lines: 0 },
      );
      expect(again.status).toBe("ingested");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("each seeded finance fault lands in the exceptions queue, and each payout still adds up", async () => {
    await configure({
      faults: {
        lateInterchange: true,
        chargeback: true,
        adjustment: "-1.50",
        holding: { currency: "EUR", rate: "1.17" },
        splitReports: true,
      },
    });
    const more = [await paidOrder(), await paidOrder([{ sku: "poster", quantity: 2 }])];
    const days = [await settleDay(), await settleDay(), await settleDay()];
    const ex = await settlement.store.exceptions({ unsettledAfterDays: 3 });
    // Interchange a payout after its capture: a fee-only adjustment (for the order not charged back in that payout).
    expect(ex.feeOnly.filter((f) => more.includes(f.orderId))).not.toEqual([]);
    // An adjustment that belongs to no payment.
    expect(ex.orphans.length).toBeGreaterThan(0);
    // A chargeback and its reversal, and the payouts in EUR for GBP payments: worth a look.
    const marked = [...ex.notable, ...ex.mismatches];
    expect(marked.some((n) => n.chargedBack)).toBe(true);
    expect(marked.some((n) => n.converted && n.currency === "EUR")).toBe(true);
    // A report in two files, read whole: every payout adds up to what the sandbox paid.
    for (const p of days.flat()) {
      const stored = await settlement.store.payout(p.id);
      expect(stored?.amount, p.id).toBe(stored?.net);
    }
    const split = await h.db.execute("SELECT files_done FROM settlement_reports WHERE files_done LIKE '%,%'");
    expect(split.rows.length).toBeGreaterThan(0);
  });
});
