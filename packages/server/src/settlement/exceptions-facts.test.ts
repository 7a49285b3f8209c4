import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../db/migrations.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { fromMinor } from "./decimal.js";
import type { SettlementLine } from "./lines.js";
import { SqlSettlementStore } from "./store.js";

/**
 * Two exception queues read what settlement_orders keeps, not every order or line (a year's shop
 * has millions): the unsettled queue, from the row the loop's pass gives each captured order and
 * the orders captured since that pass; the fee-only queue, from the orders whose settlement found a
 * payout carrying only their fees. Each must find what a full scan would.
 */
let h: WebhookHarness;
let store: SqlSettlementStore;
/** The store's clock: real time, or some days on to read the queue as it will be then. */
let clock: () => Date = () => new Date();

beforeAll(async () => {
  h = await startWebhookHarness();
  store = new SqlSettlementStore(h.db, () => clock());
});
afterAll(() => h.close());

async function paidOrder() {
  const paid = await h.paidOrder();
  const order = await h.store.getOrder(paid.orderId);
  return { ...paid, gross: fromMinor(order?.amount ?? 0, "GBP") };
}

function line(
  o: { orderId: string; paymentId: string },
  breakdownType: string,
  amount: bigint,
  payoutId: string,
): SettlementLine {
  return {
    actionId: `act_${o.paymentId}_${payoutId}`,
    actionType: "Capture",
    paymentId: o.paymentId,
    reference: o.orderId,
    breakdownType,
    feeDetail: "",
    processedOn: "2026-12-01T10:00:00Z",
    processingCurrency: "GBP",
    processingAmount: amount,
    holdingCurrency: "GBP",
    holdingAmount: amount,
    transactionCurrency: "GBP",
    transactionAmount: amount,
    payoutId,
  };
}

/** The unsettled queue four days from now (waiting three days or more), as [order id, status]. */
async function unsettledInFourDays() {
  const later = new Date(Date.now() + 4 * 86_400_000);
  clock = () => later;
  try {
    const page = await store.exceptionsPage("unsettled", { unsettledAfterDays: 3 });
    return page.items.map((u) => [u.orderId, u.status ?? "nothing reported"]);
  } finally {
    clock = () => new Date();
  }
}

describe("the unsettled queue", () => {
  it("finds captured orders before the loop's first pass, after it, and captured since; never a settled one", async () => {
    // Captured twelve, eleven and ten days ago.
    const early = await paidOrder();
    const reported = await paidOrder();
    const settled = await paidOrder();
    for (const [o, days] of [
      [early, 12],
      [reported, 11],
      [settled, 10],
    ] as const)
      await h.db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", [
        new Date(Date.now() - days * 86_400_000).toISOString(),
        o.orderId,
      ]);
    // Checkout.com has reported a fee of one, not yet in a payout.
    await store.ingest([line(reported, "Authorization Fixed Fee", -2_000_000n, "")]);
    // Settlement just turned on: no pass has run, every captured order is looked at.
    expect(await unsettledInFourDays()).toEqual([
      [early.orderId, "nothing reported"],
      [reported.orderId, "expected"],
      [settled.orderId, "nothing reported"],
    ]);

    // The loop's first pass; then one order's money is paid out, and another is captured.
    await store.queueCapturedPayments(new Date(0).toISOString(), new Date().toISOString());
    await store.ingest([line(settled, "Capture", settled.gross, "00000000UQ01")]);
    const since = await paidOrder();
    // `early` and `reported` changed before the pass: only the rows it gave them find them now.
    // `since`, captured after it, has none yet.
    expect(await unsettledInFourDays()).toEqual([
      [early.orderId, "nothing reported"],
      [reported.orderId, "expected"],
      [since.orderId, "nothing reported"],
    ]);

    // The next pass gives it one (this one an instance that has just started, walking from the
    // first order): the same queue, and the payment captured since queued once.
    expect(await store.queueCapturedPayments(new Date(0).toISOString(), new Date().toISOString())).toBe(1);
    const queued = await h.db.execute("SELECT order_id FROM settlement_pulls WHERE payment_id = ?", [
      since.paymentId,
    ]);
    expect(queued.rows.map((r) => r.order_id)).toEqual([since.orderId]);
    expect(await unsettledInFourDays()).toEqual([
      [early.orderId, "nothing reported"],
      [reported.orderId, "expected"],
      [since.orderId, "nothing reported"],
    ]);
    // Today, only the two that have waited three days or more.
    const today = await store.exceptionsPage("unsettled", { unsettledAfterDays: 3 });
    expect(today.items.map((u) => u.orderId)).toEqual([early.orderId, reported.orderId]);
  });
});

describe("the loop's row of an order with no line yet", () => {
  it("is not recomputed, pass after pass, each time its order changes", async () => {
    const o = await paidOrder();
    await store.queueCapturedPayments(new Date(0).toISOString(), new Date().toISOString());
    // The order changes after its row was written (a refund, say): there is no line to recompute from.
    await h.db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", [
      new Date(Date.now() + 60_000).toISOString(),
      o.orderId,
    ]);
    expect(await store.refreshChangedOrders(new Date(0).toISOString())).toEqual({
      refreshed: 0,
      announced: false,
    });
  });
});

describe("the fee-only queue", () => {
  it("lists a payout that carries only an order's fees, until its money comes in that payout too", async () => {
    const late = await paidOrder();
    const whole = await paidOrder();
    await store.ingest([
      line(late, "Capture", late.gross, "00000000FO01"),
      line(whole, "Capture", whole.gross, "00000000FO01"),
      line(whole, "Interchange Fee", -3_625_000n, "00000000FO01"),
    ]);
    // The interchange of `late` lands a payout later, alone.
    await store.ingest([line(late, "Interchange Fee", -3_625_000n, "00000000FO02")]);
    const feeOnly = async () =>
      (await store.exceptionsPage("feeOnly", { unsettledAfterDays: 3 })).items.map((f) => [
        f.orderId,
        f.payoutId,
        f.fees,
      ]);
    expect(await feeOnly()).toEqual([[late.orderId, "00000000FO02", -3_625_000n]]);

    // Marked as the migration marks a database from before the flag: the same orders.
    const flags = async () =>
      (await h.db.execute("SELECT order_id, fee_only FROM settlement_orders ORDER BY order_id")).rows.map(
        (r) => [String(r.order_id), Number(r.fee_only)],
      );
    const computed = await flags();
    expect(computed).toContainEqual([late.orderId, 1]);
    await h.db.execute("UPDATE settlement_orders SET fee_only = 0");
    const backfill = MIGRATIONS.at(-1)?.find((s) => s.startsWith("UPDATE settlement_orders SET fee_only"));
    await h.db.execute(String(backfill));
    expect(await flags()).toEqual(computed);

    // A refund of `late` paid out in the second payout: it carries the order's money now.
    await store.ingest([line(late, "Refund", -100_000_000n, "00000000FO02")]);
    expect(await feeOnly()).toEqual([]);
  });
});
