import type { ReportDetails, SettlementSource } from "../processor/port.js";
import type { FinancialAction } from "../settlement/lines.js";

/**
 * Checkout.com's settlement answers in their recorded shapes (Financial Actions pages, report
 * details, report CSV files), served from memory until the sandbox emulates them. Files come in
 * small chunks, as a network delivers them.
 */
export class RecordedSettlementSource implements SettlementSource {
  readonly actions = new Map<string, FinancialAction[]>();
  readonly reports = new Map<string, { details: ReportDetails; files: Map<string, string> }>();
  /** Requests seen, for "asked once" assertions. */
  readonly asked: string[] = [];

  addReport(id: string, payoutId: string, files: string[], createdOn = "2026-12-02T06:00:00Z"): void {
    this.reports.set(id, {
      details: {
        id,
        type: "FinancialActionsByPayoutId",
        createdOn,
        payoutId,
        files: files.map((_, i) => ({
          id: `file_${id}_${i + 1}`,
          filename: `financial-actions_ent_${payoutId}_${i + 1}.csv`,
          format: "CSV",
        })),
      },
      files: new Map(files.map((text, i) => [`file_${id}_${i + 1}`, text])),
    });
  }

  async financialActions(query: { paymentId: string; paginationToken?: string | undefined }) {
    this.asked.push(`financial-actions ${query.paymentId} ${query.paginationToken ?? ""}`);
    const all = this.actions.get(query.paymentId) ?? [];
    // Two to a page, newest first, so paging is exercised.
    const start = query.paginationToken ? Number(query.paginationToken) : 0;
    const page = [...all].reverse().slice(start, start + 2);
    const next = start + 2 < all.length ? String(start + 2) : undefined;
    return { kind: "found" as const, actions: page, next, calls: [] };
  }

  async listReports() {
    return { kind: "found" as const, reports: [...this.reports.values()].map((r) => r.details), calls: [] };
  }

  async getReport(id: string) {
    this.asked.push(`report ${id}`);
    const report = this.reports.get(id);
    return report
      ? { kind: "found" as const, report: report.details, calls: [] }
      : { kind: "not_found" as const, calls: [] };
  }

  async openReportFile(reportId: string, fileId: string) {
    this.asked.push(`file ${reportId} ${fileId}`);
    const text = this.reports.get(reportId)?.files.get(fileId);
    if (text === undefined) return { kind: "not_found" as const, calls: [] };
    async function* body() {
      const bytes = new TextEncoder().encode(text);
      for (let i = 0; i < bytes.length; i += 64) yield bytes.subarray(i, i + 64);
    }
    return { kind: "opened" as const, body: body(), calls: [] };
  }

  async balances() {
    return { kind: "found" as const, balances: [], calls: [] };
  }
}

export const REPORT_HEADER =
  "Action Type,Action ID,Payment ID,Reference,Requested On,Processed On,Processing Currency,Processing Currency Amount,Holding Currency,Holding Currency Amount,Transaction Currency,Transaction Currency Amount,Payout ID,Breakdown Type,Fee Detail";

/** One CSV row of a Financial Actions report. */
export function reportRow(row: {
  actionType?: string;
  actionId: string;
  paymentId?: string;
  reference?: string;
  currency?: string;
  amount: string;
  holdingCurrency?: string;
  holdingAmount?: string;
  payoutId: string;
  breakdownType: string;
  feeDetail?: string;
}): string {
  const currency = row.currency ?? "GBP";
  const cells = [
    row.actionType ?? "Capture",
    row.actionId,
    row.paymentId ?? "",
    row.reference ?? "",
    "2026-12-01T10:00:00Z",
    "2026-12-01T10:00:01Z",
    currency,
    row.amount,
    row.holdingCurrency ?? currency,
    row.holdingAmount ?? row.amount,
    currency,
    row.amount,
    row.payoutId,
    row.breakdownType,
    row.feeDetail ?? "",
  ];
  return cells.map((c) => (/[",]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",");
}
