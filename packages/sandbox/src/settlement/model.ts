import type { Decimal8 } from "./decimal.js";
import type { FeeSchedule } from "./fees.js";

export interface Money8 {
  currency: string;
  amount: Decimal8;
}

/** One row of a financial action's breakdown: the gross or one fee, in the three currencies. */
export interface BreakdownLine {
  breakdownType: string;
  feeDetail?: string;
  processing: Money8;
  transaction: Money8;
  holding: Money8;
  processingToTransactionRate: string;
  transactionToHoldingRate: string;
  /** The settlement day from which the line is known (shown by the API) and paid out. */
  visibleFromDay: number;
  payoutId?: string;
}

/** A financial action as Checkout.com books it: a capture, refund, chargeback… with its breakdown. */
export interface FinancialActionRecord {
  actionId: string;
  actionType: string;
  /** Absent for an adjustment that concerns no payment. */
  paymentId?: string;
  reference?: string;
  processingChannelId?: string;
  currencyAccountId: string;
  paymentMethod?: string;
  responseCode: string;
  responseDescription: string;
  region: string;
  cardType?: string;
  cardCategory?: string;
  issuerCountry?: string;
  requestedOn: string;
  processedOn: string;
  lines: BreakdownLine[];
}

export interface CurrencyAccount {
  id: string;
  holdingCurrency: string;
  /** Settled into today's payout and owed to the merchant's bank until the next settlement day pays it. */
  payable: Decimal8;
}

export interface Payout {
  id: string;
  currencyAccountId: string;
  currency: string;
  amount: Decimal8;
  /** ISO date-time of the payout. */
  date: string;
  day: number;
  from: string;
  to: string;
}

export interface ReportFile {
  id: string;
  filename: string;
  csv: string;
}

export interface Report {
  id: string;
  type: "FinancialActions" | "Payouts";
  description: string;
  createdOn: string;
  from: string;
  to: string;
  tags: string[];
  files: ReportFile[];
}

/**
 * Finance's headaches, seeded on purpose so reconciliation meets them offline. Each applies the
 * same way every run: no randomness.
 */
export interface SettlementFaults {
  /** Interchange of every capture is booked one settlement day after the capture (a later payout). */
  lateInterchange?: boolean;
  /** The first payment settled gets a chargeback in the next payout and its reversal in the one after. */
  chargeback?: boolean;
  /** A fee adjustment concerning no payment, in the first payout: a signed decimal such as "-1.50". */
  adjustment?: string;
  /** Every currency is held in this one, converted at `rate` (1 processing unit = rate holding units). */
  holding?: { currency: string; rate: string };
  /** Every Financial Actions report comes in two CSV files. */
  splitReports?: boolean;
}

export interface SettlementConfig {
  fees: FeeSchedule;
  faults: SettlementFaults;
  /** Length of a settlement day in sandbox time (divided by the time scale in real time). */
  dayMs: number;
}
