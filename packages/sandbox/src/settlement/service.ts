import type { SandboxDispute } from "../disputes/service.js";
import { type ApiResult, apiError, notFound } from "../payments/api-result.js";
import type { SandboxAction, SandboxPayment } from "../payments/model.js";
import { newId } from "../random-ids.js";
import { toCsv } from "./csv.js";
import { convert, type Decimal8, fromMinor, parseDecimal, sum, toMinor } from "./decimal.js";
import { captureFees, chargebackFees, DEFAULT_FEES, type FeeLine, refundFees } from "./fees.js";
import type {
  BreakdownLine,
  CurrencyAccount,
  FinancialActionRecord,
  Payout,
  Report,
  SettlementConfig,
} from "./model.js";
import {
  type Account,
  FINANCIAL_ACTIONS_COLUMNS,
  financialActionRows,
  financialActionView,
  type PayoutTotals,
  payoutsCsv,
  reportView,
} from "./views.js";

export const SETTLEMENT_DAY_MS = 86_400_000;

/** `exportState()`'s JSON: bigints written as `{"$decimal8": "…"}`. */
export type SettlementState = Record<string, unknown>;

export interface SettlementDeps {
  now: () => number;
  baseUrl: () => string;
  account: () => Account;
  /** Announces a generated report (`report_generated`). */
  announce: (report: Report) => void;
}

/** What one settlement run produced. */
export interface SettlementRun {
  day: number;
  payouts: Payout[];
  reports: Report[];
}

const MAX_LIMIT = 100;
const LIMIT_PATTERN = /^\d+$/;

/** Offsets in an opaque token, as Checkout.com hands out `pagination_token`s. */
function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString("base64url");
}
function decodeToken(token: string): number | undefined {
  try {
    const offset = (JSON.parse(Buffer.from(token, "base64url").toString()) as { o?: unknown }).o;
    return typeof offset === "number" && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
  } catch {
    return undefined;
  }
}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return MAX_LIMIT;
  if (!LIMIT_PATTERN.test(value)) return undefined;
  const limit = Number(value);
  return limit >= 1 && limit <= MAX_LIMIT ? limit : undefined;
}

function yyyymmdd(iso: string): string {
  return iso.slice(0, 10).replaceAll("-", "");
}

/**
 * Checkout.com's money side: every capture, refund and chargeback booked as a financial action with
 * its fees, settled once per settlement day into a payout per currency account, each payout with
 * its Financial Actions report (CSV) and a `report_generated` webhook; balances follow.
 */
export class SettlementService {
  actions: FinancialActionRecord[] = [];
  readonly accounts = new Map<string, CurrencyAccount>();
  payouts: Payout[] = [];
  reports: Report[] = [];
  /** Settlement days run so far; a line booked now becomes payable in run number `day`. */
  day = 0;
  payoutSequence = 0;
  lastRunAt: string | undefined;
  seeded = { chargeback: false, adjustment: false };
  config: SettlementConfig;

  constructor(
    private readonly deps: SettlementDeps,
    config: Partial<SettlementConfig> = {},
  ) {
    this.config = { fees: DEFAULT_FEES, faults: {}, dayMs: SETTLEMENT_DAY_MS, ...config };
  }

  /** Everything a restart must not forget; amounts as decimal strings (JSON has no bigint). */
  exportState(): SettlementState {
    return JSON.parse(
      JSON.stringify(
        {
          actions: this.actions,
          accounts: [...this.accounts.values()],
          payouts: this.payouts,
          reports: this.reports,
          day: this.day,
          payoutSequence: this.payoutSequence,
          lastRunAt: this.lastRunAt,
          seeded: this.seeded,
          config: this.config,
        },
        (_key, value) => (typeof value === "bigint" ? { $decimal8: value.toString() } : value),
      ),
    );
  }

  importState(state: SettlementState): void {
    const revived = JSON.parse(JSON.stringify(state), (_key, value) =>
      value && typeof value === "object" && typeof value.$decimal8 === "string"
        ? BigInt(value.$decimal8)
        : value,
    ) as {
      actions: FinancialActionRecord[];
      accounts: CurrencyAccount[];
      payouts: Payout[];
      reports: Report[];
      day: number;
      payoutSequence: number;
      lastRunAt?: string;
      seeded: { chargeback: boolean; adjustment: boolean };
      config: SettlementConfig;
    };
    this.actions = revived.actions;
    this.accounts.clear();
    for (const account of revived.accounts) this.accounts.set(account.holdingCurrency, account);
    this.payouts = revived.payouts;
    this.reports = revived.reports;
    this.day = revived.day;
    this.payoutSequence = revived.payoutSequence;
    this.lastRunAt = revived.lastRunAt;
    this.seeded = revived.seeded;
    this.config = revived.config;
  }

  reset(): void {
    this.actions = [];
    this.accounts.clear();
    this.payouts = [];
    this.reports = [];
    this.day = 0;
    this.payoutSequence = 0;
    this.lastRunAt = undefined;
    this.seeded = { chargeback: false, adjustment: false };
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString();
  }

  private accountFor(holdingCurrency: string): CurrencyAccount {
    let account = this.accounts.get(holdingCurrency);
    if (!account) {
      account = { id: newId("ca"), holdingCurrency, payable: 0n };
      this.accounts.set(holdingCurrency, account);
    }
    return account;
  }

  private holdingFor(currency: string): { currency: string; rate: string } {
    const holding = this.config.faults.holding;
    return holding && holding.currency !== currency ? holding : { currency, rate: "1" };
  }

  private line(
    breakdownType: string,
    feeDetail: string | undefined,
    amount: Decimal8,
    currency: string,
    day: number,
  ) {
    const holding = this.holdingFor(currency);
    const line: BreakdownLine = {
      breakdownType,
      ...(feeDetail ? { feeDetail } : {}),
      processing: { currency, amount },
      transaction: { currency, amount },
      holding: { currency: holding.currency, amount: convert(amount, holding.rate) },
      processingToTransactionRate: "1",
      transactionToHoldingRate: holding.rate,
      visibleFromDay: day,
    };
    return line;
  }

  private book(
    payment: SandboxPayment | undefined,
    fields: { actionId: string; actionType: string; processedOn: string; reference?: string | undefined },
    currency: string,
    lines: BreakdownLine[],
  ): FinancialActionRecord {
    const issuerCountry = payment?.billingCountry ?? (payment ? "GB" : undefined);
    const record: FinancialActionRecord = {
      actionId: fields.actionId,
      actionType: fields.actionType,
      ...(payment ? { paymentId: payment.id } : {}),
      ...(fields.reference !== undefined ? { reference: fields.reference } : {}),
      ...(payment?.processingChannelId ? { processingChannelId: payment.processingChannelId } : {}),
      currencyAccountId: this.accountFor(this.holdingFor(currency).currency).id,
      ...(payment
        ? { paymentMethod: payment.card.scheme.toUpperCase(), cardType: "CREDIT", cardCategory: "CONSUMER" }
        : {}),
      ...(issuerCountry ? { issuerCountry } : {}),
      responseCode: "10000",
      responseDescription: "Approved",
      region: !payment ? "Domestic" : issuerCountry === "GB" ? "Domestic" : "International",
      requestedOn: fields.processedOn,
      processedOn: fields.processedOn,
      lines,
    };
    this.actions.push(record);
    return record;
  }

  private feeLines(fees: FeeLine[], currency: string, day: number): BreakdownLine[] {
    return fees.map((fee) => this.line(fee.breakdownType, fee.feeDetail, fee.amount, currency, day));
  }

  /** Books what a payment event moved: captures and refunds (approved ones; a decline moves no money). */
  observePayment(type: string, payment: SandboxPayment, action?: SandboxAction): void {
    if (!action?.approved) return;
    const currency = payment.currency;
    const amount = fromMinor(action.amount, currency);
    const fields = { actionId: action.id, processedOn: action.processedOn, reference: payment.reference };
    if (type === "payment_captured") {
      const fees = captureFees(this.config.fees, amount, currency, payment.card.scheme);
      const lines = [
        this.line("Capture", undefined, amount, currency, this.day),
        ...fees.map((fee) =>
          this.line(
            fee.breakdownType,
            fee.feeDetail,
            fee.amount,
            currency,
            fee.breakdownType === "Interchange" && this.config.faults.lateInterchange
              ? this.day + 1
              : this.day,
          ),
        ),
      ];
      this.book(payment, { ...fields, actionType: "Capture" }, currency, lines);
    } else if (type === "payment_refunded") {
      const lines = [
        this.line("Refund", undefined, -amount, currency, this.day),
        ...this.feeLines(refundFees(this.config.fees, currency), currency, this.day),
      ];
      this.book(payment, { ...fields, actionType: "Refund" }, currency, lines);
    }
  }

  /** A dispute takes the money back (Chargeback) and a won one returns it (Chargeback Reversal). */
  observeDispute(type: string, dispute: SandboxDispute, payment: SandboxPayment | undefined): void {
    // No money moved yet (a dispute triggered on a payment not captured): nothing to take back.
    if (!payment || payment.balances.total_captured === 0) return;
    if (type === "dispute_received")
      this.chargeback(payment, dispute.amount, dispute.currency, this.day, false);
    else if (type === "dispute_won")
      this.chargeback(payment, dispute.amount, dispute.currency, this.day, true);
  }

  private chargeback(
    payment: SandboxPayment | undefined,
    minor: number,
    currency: string,
    day: number,
    reversal: boolean,
  ): void {
    const amount = fromMinor(minor, currency);
    const lines = reversal
      ? [this.line("Chargeback Reversal", undefined, amount, currency, day)]
      : [
          this.line("Chargeback", undefined, -amount, currency, day),
          ...this.feeLines(chargebackFees(this.config.fees, currency), currency, day),
        ];
    this.book(
      payment,
      {
        actionId: newId("act"),
        actionType: reversal ? "Chargeback Reversal" : "Chargeback",
        processedOn: this.iso(),
        reference: payment?.reference,
      },
      currency,
      lines,
    );
  }

  /** The seeded faults that are events of their own rather than a way of booking. */
  private seedFaults(findPayment: (id: string) => SandboxPayment | undefined): void {
    const faults = this.config.faults;
    if (faults.adjustment && !this.seeded.adjustment) {
      this.seeded.adjustment = true;
      const currency = this.dueLines()[0]?.line.processing.currency ?? "GBP";
      const line = this.line(
        "Scheme Fixed Fee",
        "Scheme fee correction",
        parseDecimal(faults.adjustment),
        currency,
        this.day,
      );
      this.book(
        undefined,
        { actionId: newId("adj"), actionType: "Adjustment", processedOn: this.iso() },
        currency,
        [line],
      );
    }
    if (faults.chargeback && !this.seeded.chargeback) {
      const capture = this.dueLines().find(
        ({ record }) => record.actionType === "Capture" && record.paymentId,
      )?.record;
      const payment = capture?.paymentId ? findPayment(capture.paymentId) : undefined;
      const gross = capture?.lines.find((l) => l.breakdownType === "Capture");
      if (payment && gross) {
        this.seeded.chargeback = true;
        const minor = toMinor(gross.processing.amount, payment.currency);
        this.chargeback(payment, minor, payment.currency, this.day + 1, false);
        this.chargeback(payment, minor, payment.currency, this.day + 2, true);
      }
    }
  }

  private dueLines(): Array<{ record: FinancialActionRecord; line: BreakdownLine }> {
    return this.actions.flatMap((record) =>
      record.lines
        .filter((line) => line.payoutId === undefined && line.visibleFromDay <= this.day)
        .map((line) => ({ record, line })),
    );
  }

  /** One settlement day: a payout per currency account with something due, its reports and webhooks. */
  settle(findPayment: (id: string) => SandboxPayment | undefined): SettlementRun {
    this.seedFaults(findPayment);
    const now = this.iso();
    const from = this.lastRunAt ?? this.actions[0]?.processedOn ?? now;
    const account = this.deps.account();
    const byAccount = new Map<string, Array<{ record: FinancialActionRecord; line: BreakdownLine }>>();
    for (const entry of this.dueLines()) {
      const list = byAccount.get(entry.line.holding.currency) ?? [];
      list.push(entry);
      byAccount.set(entry.line.holding.currency, list);
    }
    const run: SettlementRun = { day: this.day, payouts: [], reports: [] };
    // Yesterday's payouts reach the bank today.
    for (const currencyAccount of this.accounts.values()) currencyAccount.payable = 0n;
    const summaries: Array<{ payout: Payout; totals: PayoutTotals }> = [];
    for (const [holdingCurrency, entries] of byAccount) {
      const currencyAccount = this.accountFor(holdingCurrency);
      this.payoutSequence += 1;
      const payout: Payout = {
        id: (0xcf000 + this.payoutSequence).toString(36).toUpperCase().padStart(12, "0"),
        currencyAccountId: currencyAccount.id,
        currency: holdingCurrency,
        amount: sum(entries.map((e) => e.line.holding.amount)),
        date: now,
        day: this.day,
        from,
        to: now,
      };
      for (const entry of entries) entry.line.payoutId = payout.id;
      currencyAccount.payable += payout.amount;
      this.payouts.push(payout);
      run.payouts.push(payout);
      summaries.push({ payout, totals: totalsOf(entries) });
      run.reports.push(this.financialActionsReport(payout, entries, account, now));
    }
    if (summaries.length > 0) {
      const csv = payoutsCsv(summaries, account);
      run.reports.push({
        id: newId("rpt"),
        type: "Payouts",
        description: "Payouts",
        createdOn: now,
        from,
        to: now,
        tags: [],
        files: [
          {
            id: newId("file"),
            filename: `payouts_${account.entityId}_${yyyymmdd(from)}_${yyyymmdd(now)}_1.csv`,
            csv,
          },
        ],
      });
    }
    this.reports.push(...run.reports);
    for (const report of run.reports) this.deps.announce(report);
    this.lastRunAt = now;
    this.day += 1;
    return run;
  }

  private financialActionsReport(
    payout: Payout,
    entries: Array<{ record: FinancialActionRecord; line: BreakdownLine }>,
    account: Account,
    now: string,
  ): Report {
    const rows = financialActionRows(
      [...entries].sort((a, b) => a.record.processedOn.localeCompare(b.record.processedOn)),
      account,
    );
    const parts =
      this.config.faults.splitReports && rows.length > 1
        ? [rows.slice(0, Math.ceil(rows.length / 2)), rows.slice(Math.ceil(rows.length / 2))]
        : [rows];
    const name = `financial-actions_${account.entityId}_${yyyymmdd(now)}_${payout.id}`;
    return {
      id: newId("rpt"),
      type: "FinancialActions",
      description: "Financial Actions by Payout ID",
      createdOn: now,
      from: payout.from,
      to: payout.to,
      tags: [`payout_id:${payout.id}`],
      files: parts.map((part, i) => ({
        id: newId("file"),
        filename: `${name}_${i + 1}.csv`,
        csv: toCsv(FINANCIAL_ACTIONS_COLUMNS, part),
      })),
    };
  }

  /** `GET /financial-actions?payment_id|action_id&limit&pagination_token`: newest first. */
  query(params: URLSearchParams): ApiResult {
    const paymentId = params.get("payment_id") || undefined;
    const actionId = params.get("action_id") || undefined;
    if (!paymentId && !actionId) return apiError(422, ["payment_id_or_action_id_required"]);
    const limit = parseLimit(params.get("limit") ?? undefined);
    if (limit === undefined) return apiError(422, ["limit_invalid"]);
    const token = params.get("pagination_token");
    const offset = token === null ? 0 : decodeToken(token);
    if (offset === undefined) return apiError(422, ["pagination_token_invalid"]);
    const account = this.deps.account();
    const matching = this.actions
      .filter((a) => (!paymentId || a.paymentId === paymentId) && (!actionId || a.actionId === actionId))
      .map((a) => ({ a, lines: a.lines.filter((line) => line.visibleFromDay <= this.day) }))
      .filter(({ lines }) => lines.length > 0)
      .reverse()
      .sort((x, y) => y.a.processedOn.localeCompare(x.a.processedOn));
    const page = matching.slice(offset, offset + limit);
    const base = this.deps.baseUrl();
    const link = (extra: Record<string, string>) => {
      const search = new URLSearchParams({
        ...(paymentId ? { payment_id: paymentId } : {}),
        ...(actionId ? { action_id: actionId } : {}),
        limit: String(limit),
        ...extra,
      });
      return { href: `${base}/financial-actions?${search}` };
    };
    return {
      status: 200,
      body: {
        count: page.length,
        limit,
        data: page.map(({ a, lines }) => financialActionView(a, lines, account)),
        _links: {
          self: link(token === null ? {} : { pagination_token: token }),
          ...(offset + limit < matching.length
            ? { next: link({ pagination_token: encodeToken(offset + limit) }) }
            : {}),
        },
      },
    };
  }

  /** `GET /reports?created_after&created_before&entity_id&limit&pagination_token`: newest first. */
  listReports(params: URLSearchParams): ApiResult {
    const after = params.get("created_after");
    const before = params.get("created_before");
    if (after !== null && Number.isNaN(Date.parse(after))) return apiError(422, ["created_after_invalid"]);
    if (before !== null && Number.isNaN(Date.parse(before))) return apiError(422, ["created_before_invalid"]);
    const entityId = params.get("entity_id");
    if (entityId !== null && !/^ent_\w{26}$/.test(entityId)) return apiError(422, ["entity_id_invalid"]);
    const limit = parseLimit(params.get("limit") ?? undefined);
    if (limit === undefined) return apiError(422, ["limit_invalid"]);
    const token = params.get("pagination_token");
    const offset = token === null ? 0 : decodeToken(token);
    if (offset === undefined) return apiError(422, ["pagination_token_invalid"]);
    const account = this.deps.account();
    const utc = (text: string) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
    const matching = [...this.reports]
      .reverse()
      .filter(
        (r) =>
          (entityId === null || entityId === account.entityId) &&
          (after === null || Date.parse(r.createdOn) >= utc(after)) &&
          (before === null || Date.parse(r.createdOn) < utc(before)),
      );
    const page = matching.slice(offset, offset + limit);
    const base = this.deps.baseUrl();
    const link = (extra: Record<string, string>) => {
      const search = new URLSearchParams({
        ...(entityId ? { entity_id: entityId } : {}),
        ...(after ? { created_after: after } : {}),
        ...(before ? { created_before: before } : {}),
        limit: String(limit),
        ...extra,
      });
      return { href: `${base}/reports?${search}` };
    };
    return {
      status: 200,
      body: {
        count: page.length,
        limit,
        data: page.map((r) => reportView(r, base, account)),
        _links: {
          self: link(token === null ? {} : { pagination_token: token }),
          ...(offset + limit < matching.length
            ? { next: link({ pagination_token: encodeToken(offset + limit) }) }
            : {}),
        },
      },
    };
  }

  getReport(id: string): ApiResult {
    const report = this.reports.find((r) => r.id === id);
    return report
      ? { status: 200, body: reportView(report, this.deps.baseUrl(), this.deps.account()) }
      : notFound();
  }

  reportFile(id: string, fileId: string): { filename: string; csv: string } | undefined {
    return this.reports.find((r) => r.id === id)?.files.find((f) => f.id === fileId);
  }

  /** `GET /balances/{entity_id}?query=currency:GBP&withCurrencyAccountId=true`, in minor units. */
  balances(entityId: string, params: URLSearchParams): ApiResult {
    if (entityId !== this.deps.account().entityId) return notFound();
    const query = params.get("query");
    const currency = query === null ? undefined : /^currency:([A-Z]{3})$/.exec(query)?.[1];
    if (query !== null && !currency) return apiError(400, ["query_invalid"]);
    const withId = params.get("withCurrencyAccountId");
    if (withId !== null && withId !== "true" && withId !== "false")
      return apiError(400, ["with_currency_account_id_invalid"]);
    const pending = new Map<string, Decimal8>();
    for (const record of this.actions)
      for (const line of record.lines)
        if (line.payoutId === undefined && line.visibleFromDay <= this.day)
          pending.set(
            line.holding.currency,
            (pending.get(line.holding.currency) ?? 0n) + line.holding.amount,
          );
    const data = [...this.accounts.values()]
      .filter((a) => !currency || a.holdingCurrency === currency)
      .map((a) => ({
        ...(withId === "true" ? { currency_account_id: a.id } : {}),
        descriptor: `${a.holdingCurrency} account`,
        holding_currency: a.holdingCurrency,
        balances_as_of: this.iso(),
        balances: {
          pending: toMinor(pending.get(a.holdingCurrency) ?? 0n, a.holdingCurrency),
          available: 0,
          payable: toMinor(a.payable, a.holdingCurrency),
          collateral: 0,
          operational: 0,
        },
      }));
    return { status: 200, body: { data } };
  }
}

function totalsOf(entries: Array<{ record: FinancialActionRecord; line: BreakdownLine }>): PayoutTotals {
  const of = (test: (e: { record: FinancialActionRecord; line: BreakdownLine }) => boolean) =>
    sum(entries.filter(test).map((e) => e.line.holding.amount));
  return {
    payments: of((e) => e.line.breakdownType === "Capture"),
    refunds: of((e) => e.line.breakdownType === "Refund"),
    chargebacks: of((e) => e.line.breakdownType.startsWith("Chargeback")),
    interchange: of((e) => e.line.breakdownType === "Interchange"),
    scheme: of((e) => e.line.breakdownType.startsWith("Scheme") && e.record.actionType !== "Adjustment"),
    processing: of((e) => ["Gateway Fee", "Refund Fee"].includes(e.line.breakdownType)),
    adjustments: of((e) => e.record.actionType === "Adjustment"),
  };
}
