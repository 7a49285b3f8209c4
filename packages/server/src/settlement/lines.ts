import { decimalOf } from "./decimal.js";

/**
 * One row of Checkout.com's settlement data: one breakdown entry (a capture, a refund, a fee…) of
 * one financial action. Amounts are scaled decimals (see decimal.ts), signed: fees are negative.
 * A line is stored once: the same action's same breakdown entry in the same payout is the same
 * line, however often the report or the API is read (settlement_lines_once).
 */
export interface SettlementLine {
  actionId: string;
  actionType: string;
  /** Empty for adjustments that belong to no payment (a top-up, a tiered-pricing adjustment). */
  paymentId: string;
  reference: string;
  breakdownType: string;
  feeDetail: string;
  processedOn: string;
  processingCurrency: string;
  processingAmount: bigint;
  holdingCurrency: string;
  holdingAmount: bigint;
  transactionCurrency: string;
  transactionAmount: bigint;
  /** Empty until a report puts the line in a payout (the API answer carries no payout). */
  payoutId: string;
}

/** isGross' answers so far: a report has a handful of types, and each line is asked about several times. */
const grossTypes = new Map<string, boolean>();

/**
 * What a breakdown entry moves: the payment's own money (captured, refunded, charged back) or a
 * cost of taking it. Gross types are listed by Checkout.com's "Breakdown types" page; every other
 * type (gateway, scheme, interchange, authorization fees…) is a fee or an adjustment.
 */
export function isGross(breakdownType: string): boolean {
  let gross = grossTypes.get(breakdownType);
  if (gross === undefined) {
    const t = breakdownType.trim().toLowerCase();
    gross =
      t === "capture" ||
      t === "partial capture" ||
      t === "refund" ||
      t === "partial refund" ||
      t === "clearing failed" ||
      // A chargeback moves the payment's money; Checkout.com's fee for handling one is a cost.
      (t.startsWith("chargeback") && !t.includes("fee"));
    if (grossTypes.size < 100) grossTypes.set(breakdownType, gross);
  }
  return gross;
}

export function isChargeback(line: Pick<SettlementLine, "breakdownType" | "actionType">): boolean {
  return /chargeback/i.test(line.breakdownType) || /chargeback/i.test(line.actionType);
}

/** `GET /financial-actions` item, as far as settlement reads it. */
export interface FinancialAction {
  payment_id?: string | undefined;
  action_id: string;
  action_type: string;
  reference?: string | undefined;
  processed_on?: string | undefined;
  breakdown?: FinancialBreakdown[] | undefined;
}

export interface FinancialBreakdown {
  breakdown_type: string;
  fee_detail?: string | undefined;
  processing_currency?: string | undefined;
  processing_currency_amount?: number | string | undefined;
  transaction_currency?: string | undefined;
  transaction_currency_amount?: number | string | undefined;
  holding_currency?: string | undefined;
  holding_currency_amount?: number | string | undefined;
}

const amount = (value: number | string | undefined) => (value === undefined ? 0n : decimalOf(value));

/** The lines of one financial action from the API: not in a payout yet. */
export function linesOfAction(action: FinancialAction): SettlementLine[] {
  return (action.breakdown ?? []).map((b) => {
    const processingCurrency = b.processing_currency ?? b.holding_currency ?? "";
    return {
      actionId: action.action_id,
      actionType: action.action_type,
      paymentId: action.payment_id ?? "",
      reference: action.reference ?? "",
      breakdownType: b.breakdown_type,
      feeDetail: b.fee_detail ?? "",
      processedOn: action.processed_on ?? "",
      processingCurrency,
      processingAmount: amount(b.processing_currency_amount),
      holdingCurrency: b.holding_currency ?? processingCurrency,
      holdingAmount: amount(b.holding_currency_amount ?? b.processing_currency_amount),
      transactionCurrency: b.transaction_currency ?? processingCurrency,
      transactionAmount: amount(b.transaction_currency_amount ?? b.processing_currency_amount),
      payoutId: "",
    };
  });
}
