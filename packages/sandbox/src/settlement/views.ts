import { toCsv } from "./csv.js";
import type { Decimal8 } from "./decimal.js";
import { format, toJsonNumber } from "./decimal.js";
import type { BreakdownLine, FinancialActionRecord, Payout, Report } from "./model.js";

export interface Account {
  entityId: string;
  clientId: string;
}

/** A financial action as `GET /financial-actions` shows it, with the breakdown lines known by `day`. */
export function financialActionView(record: FinancialActionRecord, lines: BreakdownLine[], account: Account) {
  return {
    ...(record.paymentId ? { payment_id: record.paymentId } : {}),
    action_id: record.actionId,
    action_type: record.actionType,
    entity_id: account.entityId,
    currency_account_id: record.currencyAccountId,
    ...(record.paymentMethod ? { payment_method: record.paymentMethod } : {}),
    ...(record.processingChannelId ? { processing_channel_id: record.processingChannelId } : {}),
    ...(record.reference !== undefined ? { reference: record.reference } : {}),
    response_code: record.responseCode,
    response_description: record.responseDescription,
    region: record.region,
    ...(record.cardType ? { card_type: record.cardType } : {}),
    ...(record.cardCategory ? { card_category: record.cardCategory } : {}),
    ...(record.issuerCountry ? { issuer_country: record.issuerCountry } : {}),
    processed_on: record.processedOn,
    requested_on: record.requestedOn,
    breakdown: lines.map((line) => ({
      breakdown_type: line.breakdownType,
      ...(line.feeDetail ? { fee_detail: line.feeDetail } : {}),
      fx_rate_applied: Number(line.transactionToHoldingRate),
      holding_currency: line.holding.currency,
      holding_currency_amount: toJsonNumber(line.holding.amount, line.holding.currency),
      processing_currency: line.processing.currency,
      processing_currency_amount: toJsonNumber(line.processing.amount, line.processing.currency),
      transaction_currency: line.transaction.currency,
      transaction_currency_amount: toJsonNumber(line.transaction.amount, line.transaction.currency),
      processing_to_transaction_currency_fx_rate: Number(line.processingToTransactionRate),
      transaction_to_holding_currency_fx_rate: Number(line.transactionToHoldingRate),
    })),
  };
}

export function reportView(report: Report, base: string, account: Account) {
  const self = `${base}/reports/${report.id}`;
  return {
    id: report.id,
    created_on: report.createdOn,
    last_modified_on: report.createdOn,
    type: report.type,
    description: report.description,
    account: { client_id: account.clientId, entity_id: account.entityId },
    tags: report.tags,
    from: report.from,
    to: report.to,
    files: report.files.map((file) => ({
      id: file.id,
      filename: file.filename,
      format: "CSV",
      _links: { self: { href: `${self}/files/${file.id}` } },
    })),
    _links: { self: { href: self } },
  };
}

export const FINANCIAL_ACTIONS_COLUMNS = [
  "Client Entity ID",
  "Currency Account ID",
  "Processing Channel ID",
  "Action Type",
  "Action ID",
  "Payment ID",
  "Reference",
  "Requested On",
  "Processed On",
  "Processing Currency",
  "Processing Currency Amount",
  "Transaction Currency",
  "Transaction Currency Amount",
  "Holding Currency",
  "Holding Currency Amount",
  "Processing To Transaction Currency FX Rate",
  "Transaction To Holding Currency FX Rate",
  "Payout ID",
  "Breakdown Type",
  "Fee Detail",
  "Payment Method",
  "Card Type",
  "Issuer Country",
  "Region",
] as const;

/** One CSV row per breakdown line, as the Financial Actions by Payout ID report lists them. */
export function financialActionRows(
  entries: Array<{ record: FinancialActionRecord; line: BreakdownLine }>,
  account: Account,
): string[][] {
  return entries.map(({ record, line }) => [
    account.entityId,
    record.currencyAccountId,
    record.processingChannelId ?? "",
    record.actionType,
    record.actionId,
    record.paymentId ?? "",
    record.reference ?? "",
    record.requestedOn,
    record.processedOn,
    line.processing.currency,
    format(line.processing.amount, line.processing.currency),
    line.transaction.currency,
    format(line.transaction.amount, line.transaction.currency),
    line.holding.currency,
    format(line.holding.amount, line.holding.currency),
    line.processingToTransactionRate,
    line.transactionToHoldingRate,
    line.payoutId ?? "",
    line.breakdownType,
    line.feeDetail ?? "",
    record.paymentMethod ?? "",
    record.cardType ?? "",
    record.issuerCountry ?? "",
    record.region,
  ]);
}

export const PAYOUTS_COLUMNS = [
  "Client Entity ID",
  "Currency Account ID",
  "Holding Currency",
  "Payout ID",
  "Payout Date",
  "Reporting Start Date",
  "Reporting End Date",
  "Payout Amount",
  "Payments",
  "Refunds",
  "Chargebacks",
  "Card Payment Interchange Fees",
  "Card Payment Scheme Fees",
  "Processing Fees",
  "Adjustments",
] as const;

export interface PayoutTotals {
  payments: Decimal8;
  refunds: Decimal8;
  chargebacks: Decimal8;
  interchange: Decimal8;
  scheme: Decimal8;
  processing: Decimal8;
  adjustments: Decimal8;
}

export function payoutsCsv(
  payouts: Array<{ payout: Payout; totals: PayoutTotals }>,
  account: Account,
): string {
  return toCsv(
    PAYOUTS_COLUMNS,
    payouts.map(({ payout, totals }) => {
      const f = (amount: Decimal8) => format(amount, payout.currency);
      return [
        account.entityId,
        payout.currencyAccountId,
        payout.currency,
        payout.id,
        payout.date,
        payout.from,
        payout.to,
        f(payout.amount),
        f(totals.payments),
        f(totals.refunds),
        f(totals.chargebacks),
        f(totals.interchange),
        f(totals.scheme),
        f(totals.processing),
        f(totals.adjustments),
      ];
    }),
  );
}
