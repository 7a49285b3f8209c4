import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import type { SettlementLine } from "./lines.js";
import { type ExceptionKind, ExceptionsCursorError, SqlSettlementStore } from "./store.js";

/**
 * The exceptions queue a page at a time (keyset paging), past the 200 rows one read gives: the
 * pages of each kind, put together, are the whole list in the same order, with ties in the sort
 * time, and a row added meanwhile neither repeats nor hides one.
 */
let h: WebhookHarness;
let store: SqlSettlementStore;

beforeAll(async () => {
  h = await startWebhookHarness();
  store = new SqlSettlementStore(h.db, () => new Date());
});
afterAll(() => h.close());

const paidOrder = async () => (await h.paidOrder()).orderId;

const line = (over: Partial<SettlementLine> & Pick<SettlementLine, "actionId">): SettlementLine => ({
  actionType: "Adjustment",
  paymentId: "",
  reference: "",
  breakdownType: "Scheme Fixed Fee",
  feeDetail: "",
  processedOn: "2026-12-01T10:00:00Z",
  processingCurrency: "GBP",
  processingAmount: -100_000_000n,
  holdingCurrency: "GBP",
  holdingAmount: -100_000_000n,
  transactionCurrency: "GBP",
  transactionAmount: -100_000_000n,
  payoutId: "00000000CFJA",
  ...over,
});

async function allPages(kind: ExceptionKind, limit: number) {
  const items: unknown[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await store.exceptionsPage(kind, { unsettledAfterDays: 3, limit, after });
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  return { items, pages };
}

describe("the exceptions queue, a page at a time", () => {
  it("each kind's pages make up its whole list, in order, ties included", async () => {
    // Orphans: lines of no order, all stored at the same instant.
    await store.ingest(Array.from({ length: 5 }, (_, i) => line({ actionId: `adj_${i}` })));
    // Unsettled: captured long ago (the same instant), nothing in a payout.
    const old = [await paidOrder(), await paidOrder(), await paidOrder()];
    for (const id of old)
      await h.db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", ["2026-01-01T00:00:00.000Z", id]);
    // Fee-only: orders with only fees in two payouts each.
    for (const orderId of [await paidOrder(), await paidOrder()])
      await store.ingest(
        ["00000000CFJB", "00000000CFJC"].map((payoutId) =>
          line({
            actionId: `act_${orderId}`,
            actionType: "Capture",
            breakdownType: "Interchange",
            reference: orderId,
            payoutId,
          }),
        ),
      );
    // Mismatches and notable orders, changed at the same instant.
    for (let i = 0; i < 5; i++)
      for (const [status, converted] of [
        ["mismatch", 0],
        ["settled", 1],
      ] as const)
        await h.db.execute(
          `INSERT INTO settlement_orders (order_id, status, currency, gross, fees, net, payout_id, problems_json,
             converted, charged_back, updated_at) VALUES (?, ?, 'GBP', 0, 0, 0, '', '[]', ?, 0, ?)`,
          [`ord_${status}_${i}`, status, converted, "2026-12-02T00:00:00.000Z"],
        );

    const whole = await store.exceptions({ unsettledAfterDays: 3, limit: 1000 });
    for (const kind of ["mismatches", "orphans", "unsettled", "feeOnly", "notable"] as const) {
      expect(whole[kind].length, kind).toBeGreaterThanOrEqual(3);
      const paged = await allPages(kind, 2);
      expect(paged.items, kind).toEqual(whole[kind]);
      expect(paged.pages, kind).toBe(Math.ceil(whole[kind].length / 2));
    }
    expect(whole.unsettled.map((u) => u.orderId).sort()).toEqual([...old].sort());
    expect(whole.feeOnly).toHaveLength(4);
  });

  it("a row added between pages neither repeats nor hides one; a cursor it did not give is refused", async () => {
    const first = await store.exceptionsPage("orphans", { unsettledAfterDays: 3, limit: 2 });
    // A newer orphan comes in: it is ahead of the cursor, at the top of the next reading.
    await new Promise((r) => setTimeout(r, 5));
    await store.ingest([line({ actionId: "adj_late" })]);
    const rest: string[] = [];
    let after = first.next;
    while (after) {
      const page = await store.exceptionsPage("orphans", { unsettledAfterDays: 3, limit: 2, after });
      rest.push(...page.items.map((l) => l.actionId));
      after = page.next;
    }
    const seen = [...first.items.map((l) => l.actionId), ...rest];
    expect(seen).not.toContain("adj_late");
    expect(seen.sort()).toEqual(["adj_0", "adj_1", "adj_2", "adj_3", "adj_4"]);
    await expect(
      store.exceptionsPage("orphans", { unsettledAfterDays: 3, after: "not-a-cursor" }),
    ).rejects.toBeInstanceOf(ExceptionsCursorError);
    // A fee-only cursor (three keys) is not an orphans cursor (two).
    const feeOnly = await store.exceptionsPage("feeOnly", { unsettledAfterDays: 3, limit: 1 });
    await expect(
      store.exceptionsPage("orphans", { unsettledAfterDays: 3, after: feeOnly.next }),
    ).rejects.toBeInstanceOf(ExceptionsCursorError);
  });
});
