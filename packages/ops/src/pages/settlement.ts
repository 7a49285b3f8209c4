import { formatDecimal, type Order, type SettlementService } from "@handoff/server";
import { type HtmlSafeString, html, type PageContext, table } from "../views.js";

/** Statuses in which Handoff captured the money, so a payout should carry it. */
const CAPTURED = new Set(["captured", "partially_refunded", "refunded"]);

/** What the ops API says of an order's settlement: exact decimal strings in major units. */
export interface SettlementJson {
  status: string;
  currency: string;
  gross: string;
  fees: string;
  net: string;
  payoutId: string | null;
  feeItems: Array<{ breakdownType: string; feeDetail: string; amount: string }>;
  problems: string[];
}

/**
 * An order's settlement, as stored, or `expected` for a captured order no line has reached yet;
 * null for an order that took no money (or when settlement is off).
 */
export async function settlementOfOrder(
  settlement: SettlementService | undefined,
  order: Pick<Order, "id" | "status" | "currency">,
): Promise<SettlementJson | null> {
  if (!settlement) return null;
  const found = await settlement.store.orderSettlement(order.id);
  const s = found.settlement;
  if (!s) {
    if (!CAPTURED.has(order.status)) return null;
    const zero = formatDecimal(0n, order.currency);
    return {
      status: "expected",
      currency: order.currency,
      gross: zero,
      fees: zero,
      net: zero,
      payoutId: null,
      feeItems: [],
      problems: [],
    };
  }
  return {
    status: s.status,
    currency: s.currency,
    gross: formatDecimal(s.gross, s.currency),
    fees: formatDecimal(s.fees, s.currency),
    net: formatDecimal(s.net, s.currency),
    payoutId: s.payoutId || null,
    feeItems: found.feeItems.map((f) => ({
      breakdownType: f.breakdownType,
      feeDetail: f.feeDetail,
      amount: formatDecimal(f.amount, s.currency),
    })),
    problems: s.problems,
  };
}

/** A settlement amount as people read it: the decimal exactly as Checkout.com reported it, with the currency. */
export const amount = (value: string, currency: string) =>
  html`<span class="amount">${value}</span> ${currency}`;

export const STATUS_TEXT: Record<string, string> = {
  expected: "Expected: not in a payout yet",
  settled: "Settled",
  partially_settled: "Partly settled: some lines still to be paid out",
  mismatch: "Mismatch: does not match what was captured and refunded",
  orphan: "Lines for no order",
};

/** The settlement panel of an order's page. */
export async function settlementPanel(
  ctx: PageContext,
  settlement: SettlementService | undefined,
  order: Pick<Order, "id" | "status" | "currency">,
): Promise<HtmlSafeString> {
  if (!settlement) return html``;
  const s = await settlementOfOrder(settlement, order);
  if (!s)
    return html`<h2>Settlement</h2><p class="muted">No money was captured for this order, so none will be paid out.</p>`;
  const fees = s.feeItems.map((f) => [
    html`${f.breakdownType}`,
    html`${f.feeDetail || "—"}`,
    amount(f.amount, s.currency),
  ]);
  const problems = s.problems.length
    ? html`<ul class="notice error">${s.problems.map((p) => html`<li>${p}</li>`)}</ul>`
    : html``;
  return html`<h2>Settlement</h2>${problems}<dl class="facts"><dt>Status</dt><dd><strong>${STATUS_TEXT[s.status] ?? s.status}</strong></dd>
<dt>Gross</dt><dd>${amount(s.gross, s.currency)}</dd><dt>Fees</dt><dd>${amount(s.fees, s.currency)}</dd>
<dt>Net</dt><dd><strong>${amount(s.net, s.currency)}</strong></dd>
<dt>Payout</dt><dd>${s.payoutId ? html`<a href="${ctx.base}/payouts/${s.payoutId}"><code>${s.payoutId}</code></a>` : "—"}</dd></dl>
${table(["Fee", "Detail", "Amount"], fees, "No fees reported yet.")}`;
}
