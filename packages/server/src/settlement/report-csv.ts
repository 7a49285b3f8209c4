import { CsvError, readCsv } from "./csv.js";
import { type DecimalError, parseDecimal } from "./decimal.js";
import type { SettlementLine } from "./lines.js";

/** A report file Handoff cannot read: which line, and why. Nothing after that line is stored. */
export class ReportFormatError extends Error {
  override name = "ReportFormatError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

/** Header names as Checkout.com writes them, compared without case, spaces or punctuation. */
const COLUMNS = {
  actionType: ["actiontype"],
  actionId: ["actionid"],
  paymentId: ["paymentid"],
  reference: ["reference"],
  processedOn: ["processedon"],
  processingCurrency: ["processingcurrency"],
  processingAmount: ["processingcurrencyamount", "processingamount"],
  holdingCurrency: ["holdingcurrency"],
  holdingAmount: ["holdingcurrencyamount", "holdingamount"],
  transactionCurrency: ["transactioncurrency"],
  transactionAmount: ["transactioncurrencyamount", "transactionamount"],
  payoutId: ["payoutid"],
  breakdownType: ["breakdowntype"],
  feeDetail: ["feedetail"],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ["actionId", "actionType", "breakdownType", "holdingCurrency", "holdingAmount"];
/** Columns as people read them in the file. */
const HEADING: Partial<Record<Column, string>> = {
  actionId: "Action ID",
  actionType: "Action Type",
  breakdownType: "Breakdown Type",
  holdingCurrency: "Holding Currency",
  holdingAmount: "Holding Currency Amount",
};

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

function indexOf(header: readonly string[]): Record<Column, number> {
  const names = header.map(squash);
  const index = {} as Record<Column, number>;
  for (const [column, aliases] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>)
    index[column] = names.findIndex((n) => aliases.includes(n));
  const missing = REQUIRED.filter((c) => index[c] < 0);
  if (missing.length)
    throw new ReportFormatError(
      `the report has no ${missing.map((c) => HEADING[c] ?? c).join(", ")} column`,
      1,
    );
  return index;
}

/**
 * Reads a Financial Actions report (CSV) as it streams in, a batch of lines at a time: the file is
 * never held whole, so a report of a million lines takes the memory of one batch. `payoutId` is
 * the report's own payout, for rows that leave the column empty.
 *
 * A thousand lines per batch (a transaction each): fewer, and each commit's fixed cost shows;
 * more, and a batch lives long enough to be moved out of the garbage collector's young
 * generation, so resident memory climbs while a large report is read (2,000 lines a batch: up
 * to +80 MB on a million-line report).
 */
export async function* readReportLines(
  source: AsyncIterable<Uint8Array | string>,
  options: { payoutId?: string; batchSize?: number } = {},
): AsyncGenerator<SettlementLine[]> {
  const batchSize = options.batchSize ?? 1000;
  const payoutId = options.payoutId ?? "";
  let index: Record<Column, number> | undefined;
  let batch: SettlementLine[] = [];
  // Only the columns read below are cut out of each line (a report has twice as many).
  const columns = (header: readonly string[]) => {
    index = indexOf(header);
    return Object.values(index);
  };
  let header = true;
  for await (const { cells, lines } of csvOf(source, columns)) {
    for (let i = 0; i < cells.length; i++) {
      const record = cells[i] as string[];
      if (header) {
        header = false;
        continue;
      }
      batch.push(lineOf(record, index as Record<Column, number>, lines[i] as number, payoutId));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (!index) throw new ReportFormatError("the report is empty", 0);
  if (batch.length) yield batch;
}

/** The file's records, its CSV errors as the report's. */
async function* csvOf(
  source: AsyncIterable<Uint8Array | string>,
  columns?: (header: readonly string[]) => readonly number[],
) {
  try {
    yield* readCsv(source, columns ? { columns } : {});
  } catch (error) {
    if (error instanceof CsvError) throw new ReportFormatError(error.message, error.line);
    throw error;
  }
}

/** A cell by its column's index (-1: the report has no such column). */
function cellAt(record: string[], at: number): string {
  return at >= 0 ? (record[at] ?? "") : "";
}

function amountAt(record: string[], at: number, line: number): bigint {
  const text = cellAt(record, at);
  if (text === "") return 0n;
  try {
    return parseDecimal(text);
  } catch (error) {
    throw new ReportFormatError((error as DecimalError).message, line);
  }
}

/** One line from its cells. Plain functions, no closures: this runs a million times per report. */
function lineOf(
  record: string[],
  index: Record<Column, number>,
  line: number,
  payoutId: string,
): SettlementLine {
  const actionId = cellAt(record, index.actionId);
  if (!actionId) throw new ReportFormatError("a row has no Action ID", line);
  const holdingCurrency = cellAt(record, index.holdingCurrency);
  if (!/^[A-Z]{3}$/.test(holdingCurrency))
    throw new ReportFormatError(`"${holdingCurrency}" is not a currency`, line);
  const processingCurrency = cellAt(record, index.processingCurrency) || holdingCurrency;
  // Where an amount is left empty: processing is the holding amount, transaction the processing one.
  const processing = cellAt(record, index.processingAmount) ? index.processingAmount : index.holdingAmount;
  const transaction = cellAt(record, index.transactionAmount)
    ? index.transactionAmount
    : index.processingAmount;
  // The three amounts are most often the same text: read once.
  const holdingAmount = amountAt(record, index.holdingAmount, line);
  const processingAmount =
    processing === index.holdingAmount || cellAt(record, processing) === cellAt(record, index.holdingAmount)
      ? holdingAmount
      : amountAt(record, processing, line);
  const transactionAmount =
    cellAt(record, transaction) === cellAt(record, processing)
      ? processingAmount
      : amountAt(record, transaction, line);
  return {
    actionId,
    actionType: cellAt(record, index.actionType),
    paymentId: cellAt(record, index.paymentId),
    reference: cellAt(record, index.reference),
    breakdownType: cellAt(record, index.breakdownType),
    feeDetail: cellAt(record, index.feeDetail),
    processedOn: cellAt(record, index.processedOn),
    processingCurrency,
    processingAmount,
    holdingCurrency,
    holdingAmount,
    transactionCurrency: cellAt(record, index.transactionCurrency) || processingCurrency,
    transactionAmount,
    payoutId: cellAt(record, index.payoutId) || payoutId,
  };
}

/** One row of a Payouts report: what Checkout.com paid out, per payout. */
export interface PayoutRow {
  payoutId: string;
  currency: string;
  /** Scaled decimal (decimal.ts). */
  amount: bigint;
  date: string;
}

/** Whether a CSV header is a Payouts report's (Payout Amount, no Action ID) rather than a Financial Actions one. */
export function isPayoutsHeader(header: readonly string[]): boolean {
  const names = header.map(squash);
  return names.includes("payoutamount") && !names.includes("actionid");
}

/**
 * Reads a Payouts report (Payout ID, Holding Currency, Payout Date, Payout Amount…) as it streams.
 * Small (a row per payout), but read the same way.
 */
export async function* readPayoutRows(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<PayoutRow> {
  let at: { id: number; currency: number; amount: number; date: number } | undefined;
  for await (const { cells, lines } of csvOf(source)) {
    for (let i = 0; i < cells.length; i++) {
      const record = cells[i] as string[];
      if (!at) {
        const names = record.map(squash);
        at = {
          id: names.indexOf("payoutid"),
          currency: names.indexOf("holdingcurrency"),
          amount: names.indexOf("payoutamount"),
          date: names.indexOf("payoutdate"),
        };
        if (at.id < 0 || at.currency < 0 || at.amount < 0)
          throw new ReportFormatError(
            "the payouts report has no Payout ID, Holding Currency or Payout Amount column",
            1,
          );
        continue;
      }
      let amount: bigint;
      try {
        amount = parseDecimal(record[at.amount] ?? "");
      } catch (error) {
        throw new ReportFormatError((error as DecimalError).message, lines[i] as number);
      }
      yield {
        payoutId: record[at.id] ?? "",
        currency: record[at.currency] ?? "",
        amount,
        date: at.date >= 0 ? (record[at.date] ?? "") : "",
      };
    }
  }
}
