import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlValue } from "../db/sql-client.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { formatDecimal, fromMinor } from "./decimal.js";
import type { SettlementLine } from "./lines.js";
import { SqlSettlementStore } from "./store.js";
import { READ_LINE, storedLineOf } from "./store-lines.js";

/**
 * The write path on its edges (store-lines.ts): an order's settlement is the same whether it is
 * computed from lines just stored or from lines read back (stored before, split across batches,
 * repeated, or replacing the API's), and reading the same lines again changes nothing.
 */
let h: WebhookHarness;
let store: SqlSettlementStore;

beforeAll(async () => {
  h = await startWebhookHarness();
  store = new SqlSettlementStore(h.db, () => new Date());
});
afterAll(() => h.close());

async function paidOrder() {
  const paid = await h.paidOrder();
  const order = await h.store.getOrder(paid.orderId);
  return { ...paid, gross: fromMinor(order?.amount ?? 0, "GBP") };
}

/** A capture's gross and two fees, in payout `payoutId`. */
function linesOf(
  o: { orderId: string; paymentId: string; gross: bigint },
  payoutId: string,
): SettlementLine[] {
  const line = (breakdownType: string, feeDetail: string, amount: bigint): SettlementLine => ({
    actionId: `act_${o.paymentId}`,
    actionType: "Capture",
    paymentId: o.paymentId,
    reference: o.orderId,
    breakdownType,
    feeDetail,
    processedOn: "2026-12-01T10:00:00Z",
    processingCurrency: "GBP",
    processingAmount: amount,
    holdingCurrency: "GBP",
    holdingAmount: amount,
    transactionCurrency: "GBP",
    transactionAmount: amount,
    payoutId,
  });
  return [
    line("Capture", "", o.gross),
    line("Interchange Fee", "Visa Interchange Fee", -3_625_000n),
    line("Scheme Variable Fee", "Visa Scheme Variable Fee", -1_015_000n),
  ];
}

const settlementRow = async (orderId: string) =>
  (
    await h.db.execute(
      `SELECT status, CAST(gross AS TEXT) AS gross, CAST(fees AS TEXT) AS fees, payout_id, updated_at
       FROM settlement_orders WHERE order_id = ?`,
      [orderId],
    )
  ).rows[0];
const settledEvents = async (orderId: string) =>
  Number(
    (
      await h.db.execute("SELECT COUNT(*) AS n FROM outbox WHERE type = 'order.settled' AND order_id = ?", [
        orderId,
      ])
    ).rows[0]?.n,
  );

describe("storing settlement lines", () => {
  it("settles an order from its lines, whether they come in one batch or in two", async () => {
    const whole = await paidOrder();
    const split = await paidOrder();
    const [gross, ...fees] = linesOf(split, "00000000SL01");
    // One batch: the order's lines are all just stored. Two: the second batch reads the first back.
    await store.ingest([...linesOf(whole, "00000000SL01"), gross as SettlementLine], "rpt_sl_1");
    await store.ingest(fees, "rpt_sl_1");
    for (const o of [whole, split]) {
      const row = await settlementRow(o.orderId);
      expect(row).toMatchObject({ status: "settled", payout_id: "00000000SL01" });
      expect(formatDecimal(BigInt(String(row?.gross)), "GBP")).toBe(formatDecimal(o.gross, "GBP"));
      expect(formatDecimal(BigInt(String(row?.fees)), "GBP")).toBe("-0.0464");
      expect(await settledEvents(o.orderId)).toBe(1);
    }
  });

  it("stores a line given twice once, and reading the lines again changes nothing", async () => {
    const o = await paidOrder();
    const lines = linesOf(o, "00000000SL02");
    await store.ingest([...lines, ...lines], "rpt_sl_2");
    const count = async () =>
      Number(
        (await h.db.execute("SELECT COUNT(*) AS n FROM settlement_lines WHERE order_id = ?", [o.orderId]))
          .rows[0]?.n,
      );
    expect(await count()).toBe(3);
    const before = await settlementRow(o.orderId);
    expect(before).toMatchObject({ status: "settled" });
    await new Promise((r) => setTimeout(r, 5));
    await store.ingest(lines, "rpt_sl_2_again");
    expect(await count()).toBe(3);
    expect(await settlementRow(o.orderId)).toEqual(before);
    expect(await settledEvents(o.orderId)).toBe(1);
  });

  it("settles an order paid in two payments whose lines come in one batch, each payment counted once", async () => {
    const o = await paidOrder();
    // The order's second captured payment, as Handoff records one: another attempt of the same order.
    const first = (await h.db.execute("SELECT * FROM payment_attempts WHERE payment_id = ?", [o.paymentId]))
      .rows[0] as Record<string, SqlValue>;
    const second = {
      ...first,
      id: `${String(first.id)}_2`,
      processor_token: `${String(first.processor_token)}_2`,
      idempotency_key: `${String(first.idempotency_key)}_2`,
      payment_id: `${o.paymentId}_2`,
    };
    const columns = Object.keys(second);
    await h.db.execute(
      `INSERT INTO payment_attempts (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      Object.values(second),
    );
    await store.ingest(
      [...linesOf(o, "00000000SL05"), ...linesOf({ ...o, paymentId: `${o.paymentId}_2` }, "00000000SL05")],
      "rpt_sl_5",
    );
    const row = await settlementRow(o.orderId);
    expect(row).toMatchObject({ status: "settled", payout_id: "00000000SL05" });
    expect(formatDecimal(BigInt(String(row?.gross)), "GBP")).toBe(formatDecimal(2n * o.gross, "GBP"));
  });

  it("replaces the API's lines with the report's, and recomputes from what is stored", async () => {
    const o = await paidOrder();
    const fromApi = linesOf(o, "").slice(0, 2);
    await store.ingest(fromApi);
    expect(await settlementRow(o.orderId)).toMatchObject({ status: "expected", payout_id: "" });
    await store.ingest(linesOf(o, "00000000SL03"), "rpt_sl_3");
    const stored = await h.db.execute(
      "SELECT payout_id FROM settlement_lines WHERE order_id = ? ORDER BY id",
      [o.orderId],
    );
    expect(stored.rows.map((r) => r.payout_id)).toEqual(["00000000SL03", "00000000SL03", "00000000SL03"]);
    expect(await settlementRow(o.orderId)).toMatchObject({ status: "settled", payout_id: "00000000SL03" });
  });

  it("stores each line as it was read, whatever it shares with the rest of its batch", async () => {
    const o = await paidOrder();
    const [gross, fee] = linesOf(o, "00000000SL04") as [SettlementLine, SettlementLine];
    const lines: SettlementLine[] = [
      gross,
      // Matched by payment id though its reference is another's.
      { ...fee, reference: "not-an-order" },
      // Plain, in another payout and currency that the batch interleaves with the first.
      {
        ...fee,
        breakdownType: "Gateway Fee",
        payoutId: "00000000SL05",
        processingCurrency: "EUR",
        holdingCurrency: "EUR",
        transactionCurrency: "EUR",
      },
      // Paid out in another payout and currency, converted, with a transaction amount of its own.
      {
        ...fee,
        breakdownType: "Scheme Fixed Fee",
        payoutId: "00000000SL05",
        holdingCurrency: "EUR",
        holdingAmount: -2_300_000n,
        transactionCurrency: "USD",
        transactionAmount: -2_500_000n,
      },
      // Belongs to no order.
      { ...gross, actionId: "act_sl_orphan", paymentId: "pay_sl_orphan", reference: "ord_sl_orphan" },
    ];
    await store.ingest(lines, "rpt_sl_4");
    for (const line of lines) {
      const row = (
        await h.db.execute(
          `SELECT report_id, ${READ_LINE} FROM settlement_lines
           WHERE action_id = ? AND breakdown_type = ? AND fee_detail = ? AND payout_id = ?`,
          [line.actionId, line.breakdownType, line.feeDetail, line.payoutId],
        )
      ).rows[0];
      expect(row, line.breakdownType).toBeDefined();
      expect(row?.report_id).toBe("rpt_sl_4");
      const { orderId, ...stored } = storedLineOf(row ?? {});
      expect(stored).toEqual(line);
      expect(orderId).toBe(line.paymentId === o.paymentId ? o.orderId : undefined);
    }
  });

  it("counts a payout's exceptions the same when an order's lines in it are in two currencies", async () => {
    const o = await paidOrder();
    const [gross, fee, other] = linesOf(o, "00000000SL06") as [
      SettlementLine,
      SettlementLine,
      SettlementLine,
    ];
    // Its capture and a fee held in GBP, another fee in EUR: one order, not one whose lines are fees only.
    await store.ingest([gross, fee, { ...other, holdingCurrency: "EUR" }], "rpt_sl_6");
    const payout = await store.reconcilePayout("00000000SL06", { reportId: "rpt_sl_6" });
    // Its settlement is a mismatch (paid out in two currencies), and the payout's second currency is one more.
    expect(payout).toMatchObject({ currency: "GBP", lines: 3, orders: 1, exceptions: 2 });
  });
});
