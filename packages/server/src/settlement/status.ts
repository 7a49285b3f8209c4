import { formatDecimal, fromMinor } from "./decimal.js";
import { isChargeback, isGross, type SettlementLine } from "./lines.js";
import { encodeProblem } from "./problems.js";

/**
 * Where an order's money is. `expected`: captured, not in a payout yet; `partially_settled`: some
 * of its lines are paid out, others still wait; `settled`: every line is in a payout and the gross
 * is what Handoff captured less what it refunded; `mismatch`: the amount or currency differs from
 * that; `orphan` (lines only): a line no order claims.
 */
export type SettlementStatus = "expected" | "settled" | "partially_settled" | "mismatch" | "orphan";

/** What Handoff itself charged for the order: its captured payment and the refunds it recorded. */
export interface Charged {
  /** Minor units captured; 0 when nothing was captured. */
  captured: number;
  refunded: number;
  currency: string;
}

export interface FeeItem {
  breakdownType: string;
  feeDetail: string;
  amount: bigint;
}

export interface OrderSettlement {
  status: SettlementStatus;
  /** Holding currency: what the merchant is paid in. */
  currency: string;
  /** Captured less refunded less charged back, in the holding currency (scaled decimals). */
  gross: bigint;
  /** Negative: what taking the money cost. */
  fees: bigint;
  net: bigint;
  /** The payout that carried most recently a line of the order; empty while none has. */
  payoutId: string;
  /** Why it is a mismatch: each a `SettlementProblem` as the store keeps it (`encodeProblem`; read with `readProblems`). */
  problems: string[];
  /** The lines' processing currency differs from their holding currency: the merchant was paid in another. */
  converted: boolean;
  chargedBack: boolean;
  /** A payout carries only fees of the order (in one holding currency): its money came in another, a late interchange. */
  feeOnly: boolean;
}

/** The fee lines summed by kind and detail, in holding currency (the gross lines left out). */
export function itemisedFees(lines: readonly SettlementLine[]): FeeItem[] {
  const items = new Map<string, FeeItem>();
  for (const line of lines) {
    if (isGross(line.breakdownType)) continue;
    const key = `${line.breakdownType}\u001f${line.feeDetail}`;
    const item = items.get(key) ?? {
      breakdownType: line.breakdownType,
      feeDetail: line.feeDetail,
      amount: 0n,
    };
    item.amount += line.holdingAmount;
    items.set(key, item);
  }
  return [...items.values()];
}

/**
 * One order's settlement, from its lines and what Handoff charged. Amounts are compared in the
 * processing currency (the one the shopper paid in, as Handoff charged it); gross, fees and net
 * are reported in the holding currency, which adds up across the payout. Its fees itemised are
 * `itemisedFees`, asked for where people read them: a report's ingest needs only the totals.
 */
export function settlementOf(charged: Charged, lines: readonly SettlementLine[]): OrderSettlement {
  const expected = fromMinor(charged.captured - charged.refunded, charged.currency);
  const currency = lines.find((l) => l.holdingCurrency)?.holdingCurrency ?? charged.currency;
  let gross = 0n;
  let fees = 0n;
  let processingGross = 0n;
  const problems: string[] = [];
  let paidOut = 0;
  let payoutId = "";
  let hasGross = false;
  let currencies = false;
  let converted = false;
  let chargedBack = false;
  // Per payout and holding currency: whether it carries a gross line of the order.
  const grossIn = new Map<string, boolean>();
  // One pass over the lines: a million-line report recomputes an order per few lines.
  for (const line of lines) {
    const lineIsGross = isGross(line.breakdownType);
    if (line.payoutId) {
      paidOut++;
      if (line.payoutId > payoutId) payoutId = line.payoutId;
      const group = `${line.payoutId} ${line.holdingCurrency}`;
      grossIn.set(group, lineIsGross || grossIn.get(group) === true);
    }
    if (line.holdingCurrency !== currency) currencies = true;
    if (line.processingCurrency !== line.holdingCurrency) converted = true;
    if (!chargedBack && isChargeback(line)) chargedBack = true;
    if (lineIsGross) {
      hasGross = true;
      gross += line.holdingAmount;
      processingGross += line.processingAmount;
      if (line.processingCurrency !== charged.currency)
        problems.push(
          encodeProblem({
            code: "currency_differs",
            breakdownType: line.breakdownType,
            settledIn: line.processingCurrency,
            chargedIn: charged.currency,
          }),
        );
    } else {
      fees += line.holdingAmount;
    }
  }
  if (currencies) problems.push(encodeProblem({ code: "several_payout_currencies" }));
  // A refund Handoff made that no line shows yet is still on its way (it settles in a later payout).
  const toCome = processingGross - expected;
  const refundToCome = toCome > 0n && toCome <= fromMinor(charged.refunded, charged.currency);
  if (hasGross && toCome !== 0n && !refundToCome && problems.length === 0) {
    const settled = formatDecimal(processingGross, charged.currency);
    // Money Checkout.com took that Handoff never recorded taking (an auto-capture of an order held for
    // review, a capture made elsewhere) is not an amount that differs: there is nothing to compare.
    problems.push(
      encodeProblem(
        charged.captured === 0 && processingGross > 0n
          ? { code: "capture_not_recorded", currency: charged.currency, settled }
          : {
              code: "amount_differs",
              currency: charged.currency,
              settled,
              expected: formatDecimal(expected, charged.currency),
            },
      ),
    );
  }
  const status: SettlementStatus = problems.length
    ? "mismatch"
    : paidOut === 0
      ? "expected"
      : paidOut < lines.length || !hasGross || refundToCome
        ? "partially_settled"
        : "settled";
  return {
    status,
    currency,
    gross,
    fees,
    net: gross + fees,
    payoutId,
    problems,
    converted,
    chargedBack,
    feeOnly: [...grossIn.values()].includes(false),
  };
}
