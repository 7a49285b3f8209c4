import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import type { SettlementLine } from "./lines.js";
import { PayoutCursorError, type PayoutOrder, SqlSettlementStore } from "./store.js";

/**
 * A payout's orders a page at a time: a busy day's payout holds thousands, and the ops page and API
 * show them 200 a page. The pages, put together, are every order once, in order, an order paid out
 * in two currencies included; the lines of no order come once, first.
 */
let h: WebhookHarness;
let store: SqlSettlementStore;

beforeAll(async () => {
  h = await startWebhookHarness();
  store = new SqlSettlementStore(h.db, () => new Date());
});
afterAll(() => h.close());

const PAYOUT = "00000000PAGE";

const line = (over: Partial<SettlementLine> & Pick<SettlementLine, "actionId">): SettlementLine => ({
  actionType: "Capture",
  paymentId: "",
  reference: "",
  breakdownType: "Capture",
  feeDetail: "",
  processedOn: "2026-12-01T10:00:00Z",
  processingCurrency: "GBP",
  processingAmount: 1_450_000_000n,
  holdingCurrency: "GBP",
  holdingAmount: 1_450_000_000n,
  transactionCurrency: "GBP",
  transactionAmount: 1_450_000_000n,
  payoutId: PAYOUT,
  ...over,
});

describe("a payout's orders, a page at a time", () => {
  it("pages make up every order once, in order, with the lines of no order first", async () => {
    const orders: string[] = [];
    for (let i = 0; i < 5; i++) orders.push((await h.paidOrder()).orderId);
    const lines: SettlementLine[] = orders.flatMap((orderId) => [
      line({ actionId: `act_${orderId}`, reference: orderId }),
      line({
        actionId: `act_${orderId}`,
        reference: orderId,
        breakdownType: "Interchange Fee",
        holdingAmount: -20_000_000n,
      }),
    ]);
    // One order's fee also in another currency account: two rows for that order.
    const [twoCurrencies = ""] = orders;
    lines.push(
      line({
        actionId: `act_${twoCurrencies}`,
        reference: twoCurrencies,
        breakdownType: "Scheme Fee",
        holdingCurrency: "EUR",
        holdingAmount: -10_000_000n,
      }),
      // Lines of no order (an adjustment, a fee of the account).
      line({
        actionId: "adj_1",
        actionType: "Adjustment",
        breakdownType: "Adjustment",
        holdingAmount: -5_000_000n,
      }),
      line({
        actionId: "adj_2",
        actionType: "Adjustment",
        breakdownType: "Adjustment",
        holdingAmount: -5_000_000n,
      }),
    );
    await store.ingest(lines);

    const whole = await store.payoutOrders(PAYOUT);
    expect(whole.next).toBeUndefined();
    expect(whole.orders).toHaveLength(1 + 6);

    const paged: PayoutOrder[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store.payoutOrders(PAYOUT, { limit: 2, after });
      pages++;
      // The no-order group rides on the first page, beside its two orders.
      expect(page.orders.length).toBeLessThanOrEqual(pages === 1 ? 3 : 2);
      paged.push(...page.orders);
      after = page.next;
    } while (after);
    expect(pages).toBe(3);
    expect(paged).toEqual(whole.orders);
    expect(paged[0]).toMatchObject({ orderId: undefined, status: "orphan", lines: 2, net: -10_000_000n });
    const ids = paged.slice(1).map((o) => `${o.orderId}/${o.currency}`);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(6);
    expect(paged.filter((o) => o.orderId === twoCurrencies).map((o) => o.currency)).toEqual(["EUR", "GBP"]);
    expect(paged.find((o) => o.orderId === orders[1])).toMatchObject({
      gross: 1_450_000_000n,
      fees: -20_000_000n,
      net: 1_430_000_000n,
      lines: 2,
    });
  });

  it("refuses a cursor it did not give", async () => {
    await expect(store.payoutOrders(PAYOUT, { after: "not-a-cursor" })).rejects.toBeInstanceOf(
      PayoutCursorError,
    );
    const wrongWidth = Buffer.from(JSON.stringify(["a"])).toString("base64url");
    await expect(store.payoutOrders(PAYOUT, { after: wrongWidth })).rejects.toBeInstanceOf(PayoutCursorError);
  });
});
