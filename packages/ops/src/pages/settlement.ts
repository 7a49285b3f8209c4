import {
  formatDecimal,
  type Order,
  readProblems,
  type SettlementProblem,
  type SettlementService,
} from "@handoff/server";
import { type Catalogue, messages, type SettlementWords } from "../messages/index.js";
import { decimalMoney, type HtmlSafeString, html, type PageContext, table } from "../views.js";
import { type FeeType, feesByType } from "./fee-types.js";

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
  /** Why it is a mismatch: a code, its amounts, and the sentence the console shows (English). */
  problems: Array<SettlementProblem & { message: string }>;
}

/** An order's settlement as the console reads it: for machines, and what its page shows. */
interface OrderSettlementRead {
  json: SettlementJson;
  feeTypes: FeeType[];
  problems: SettlementProblem[];
}

type SettledOrder = Pick<Order, "id" | "status" | "currency">;

async function readSettlement(
  settlement: SettlementService,
  order: SettledOrder,
  /** Whether Checkout.com captured money, when the caller asked it; else the order's status says. */
  captured = CAPTURED.has(order.status),
): Promise<OrderSettlementRead | null> {
  const found = await settlement.store.orderSettlement(order.id);
  const s = found.settlement;
  // A row with no line yet is the loop's note that the order was captured: the order says more.
  if (!s || found.lines.length === 0) {
    if (!captured) return null;
    const zero = formatDecimal(0n, order.currency);
    return {
      json: {
        status: "expected",
        currency: order.currency,
        gross: zero,
        fees: zero,
        net: zero,
        payoutId: null,
        feeItems: [],
        problems: [],
      },
      feeTypes: [],
      problems: [],
    };
  }
  const problems = readProblems(s.problems, order);
  const english = messages("en");
  return {
    json: {
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
      problems: problems.map((p) => ({ ...p, message: english.settlement.problem(p) })),
    },
    feeTypes: feesByType(found.feeItems),
    problems,
  };
}

/**
 * An order's settlement, as stored, or `expected` for a captured order no line has reached yet;
 * null for an order that took no money (or when settlement is off).
 */
export async function settlementOfOrder(
  settlement: SettlementService | undefined,
  order: SettledOrder,
): Promise<SettlementJson | null> {
  if (!settlement) return null;
  return (await readSettlement(settlement, order))?.json ?? null;
}

/**
 * A settlement amount as the rest of the console writes money ("£156.50"); the exact figure
 * Checkout.com reported stays in the title (and in the API and CSV), so nothing is lost by rounding.
 */
export const amount = (value: string, currency: string) => {
  const { shown, exact } = decimalMoney(value, currency);
  return exact
    ? html`<span class="amount" title="Exactly ${exact}">${shown}</span>`
    : html`<span class="amount">${shown}</span>`;
};

/**
 * How the console names a settlement status: a mismatch that is only an order paid out while held
 * for review says that, so nobody hunts for a difference in amounts that is not there.
 */
export function settlementWords(
  words: Catalogue,
  status: string | undefined,
  problems: readonly SettlementProblem[] = [],
): string {
  const inReview = problems.length > 0 && problems.every((p) => p.code === "settled_in_review");
  const key = (status === "mismatch" && inReview ? "held_for_review" : status) as SettlementWords;
  return words.settlement.status[key] ?? words.settlement.status.mismatch;
}

/** Why an order has no settlement to show, in words that do not contradict its payment panel. */
function uncaptured(status: string, captured: boolean | undefined): string {
  if (status === "needs_review" && captured === undefined)
    return "Held for review. Checkout.com could not be asked just now whether it captured the payment; it pays out what it captured.";
  if (status === "authorized" || status === "needs_review")
    return "Not captured yet: Checkout.com pays out only what is captured.";
  return "No money was captured for this order, so none will be paid out.";
}

/** The settlement panel of an order's page. */
export async function settlementPanel(
  ctx: PageContext,
  settlement: SettlementService | undefined,
  order: SettledOrder,
  words: Catalogue,
  /**
   * What Checkout.com says it captured, when the page asked it: an order held for review may have
   * been captured all the same (its status does not say), and Checkout.com pays that out.
   */
  capturedMinor?: number,
): Promise<HtmlSafeString> {
  if (!settlement) return html``;
  const captured = capturedMinor === undefined ? undefined : capturedMinor > 0;
  const read = await readSettlement(settlement, order, captured);
  if (!read) return html`<h2>Settlement</h2><p class="muted">${uncaptured(order.status, captured)}</p>`;
  const { json: s, feeTypes } = read;
  const fees = feeTypes.map((f) => [
    html`${f.breakdownType}${f.details.length ? html`<br><span class="muted">${f.details.join(", ")}</span>` : html``}`,
    amount(formatDecimal(f.amount, s.currency), s.currency),
  ]);
  const problems = read.problems.length
    ? html`<ul class="notice error">${read.problems.map((p) => html`<li>${words.settlement.problem(p)}</li>`)}</ul>`
    : html``;
  return html`<h2>Settlement</h2>${problems}<dl class="facts"><dt>Status</dt><dd><strong>${settlementWords(words, s.status, read.problems)}</strong></dd>
<dt>Gross</dt><dd>${amount(s.gross, s.currency)}</dd><dt>Fees</dt><dd>${amount(s.fees, s.currency)}</dd>
<dt>Net</dt><dd><strong>${amount(s.net, s.currency)}</strong></dd>
<dt>Payout</dt><dd>${s.payoutId ? html`<a href="${ctx.base}/payouts/${s.payoutId}"><code>${s.payoutId}</code></a>` : "—"}</dd></dl>
${table(["Fee", "Amount"], fees, "No fees reported yet.")}`;
}
