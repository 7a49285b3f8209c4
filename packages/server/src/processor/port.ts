import type {
  ActionAcceptedResponse,
  CaptureRequest,
  DisputeDetails,
  DisputeEvidence,
  PaymentDetails,
  PaymentPendingResponse,
  PaymentProcessedResponse,
  PaymentRequest,
  PaymentSessionRequest,
  PaymentSessionResponse,
  RefundRequest,
  VoidRequest,
} from "@handoff/contracts";
import type { FinancialAction } from "../settlement/lines.js";

/** One HTTP exchange with the processor, as the order timeline records it: no keys, no card data. */
export interface ProcessorCall {
  operation: string;
  attempt: number;
  durationMs: number;
  status?: number;
  error?: string;
  requestId?: string;
}

/** Outcomes every call shares; expected failures are values, not exceptions. */
export type CallFailure =
  | { kind: "rejected"; status: number; codes: string[] }
  | { kind: "unauthorized" }
  | { kind: "not_found" }
  | { kind: "not_allowed" }
  /** No trustworthy answer after retries: the request may or may not have taken effect. */
  | { kind: "unavailable"; reason: string };

export type Outcome<T> = (T | CallFailure) & { calls: ProcessorCall[] };

export type PaymentOutcome = Outcome<
  | { kind: "processed"; payment: PaymentProcessedResponse }
  | { kind: "pending"; payment: PaymentPendingResponse }
>;

/** The payment processor Handoff charges through: Checkout.com, or its offline sandbox. */
export interface PaymentProcessor {
  createPaymentSession(
    request: PaymentSessionRequest,
  ): Promise<Outcome<{ kind: "created"; session: PaymentSessionResponse }>>;
  requestPayment(request: PaymentRequest, idempotencyKey: string): Promise<PaymentOutcome>;
  /** Accepts `pay_…` or, after 3-D Secure, `sid_…`. */
  getPayment(id: string): Promise<Outcome<{ kind: "found"; payment: PaymentDetails }>>;
  findPaymentsByReference(reference: string): Promise<Outcome<{ kind: "found"; payments: PaymentDetails[] }>>;
  capture(
    paymentId: string,
    request: CaptureRequest,
    idempotencyKey: string,
  ): Promise<Outcome<{ kind: "accepted"; action: ActionAcceptedResponse }>>;
  refund(
    paymentId: string,
    request: RefundRequest,
    idempotencyKey: string,
  ): Promise<Outcome<{ kind: "accepted"; action: ActionAcceptedResponse }>>;
  void(
    paymentId: string,
    request: VoidRequest,
    idempotencyKey: string,
  ): Promise<Outcome<{ kind: "accepted"; action: ActionAcceptedResponse }>>;
  /** Disputes (Checkout.com's Disputes API): newest first, or those of one payment. */
  listDisputes(filter: {
    paymentId?: string;
  }): Promise<Outcome<{ kind: "found"; disputes: DisputeDetails[] }>>;
  getDispute(id: string): Promise<Outcome<{ kind: "found"; dispute: DisputeDetails }>>;
  acceptDispute(id: string): Promise<Outcome<{ kind: "accepted" }>>;
  /** Attaches evidence (not sent yet); `submitDisputeEvidence` sends it, once. */
  provideDisputeEvidence(id: string, evidence: DisputeEvidence): Promise<Outcome<{ kind: "accepted" }>>;
  submitDisputeEvidence(id: string): Promise<Outcome<{ kind: "accepted" }>>;
  /** `POST /files` with purpose `dispute_evidence`: a PDF, PNG or JPEG up to 4 MB. */
  uploadDisputeFile(file: {
    filename: string;
    type: string;
    bytes: Uint8Array;
  }): Promise<Outcome<{ kind: "uploaded"; fileId: string }>>;
}

/** One report as `GET /reports/{id}` describes it: its files, and the payout it covers (tag `payout_id:…`). */
export interface ReportDetails {
  id: string;
  type: string;
  createdOn?: string | undefined;
  entityId?: string | undefined;
  payoutId?: string | undefined;
  files: Array<{ id: string; filename?: string | undefined; format?: string | undefined }>;
}

/**
 * Checkout.com's settlement data (Financial Actions, Reports, Balances): what was paid out, what it
 * cost. Read-only; amounts in the answers are decimals in major units, as Checkout.com sends them.
 */
export interface SettlementSource {
  /** `GET /financial-actions?payment_id=…`, one page (newest first); `next` is the following page's token. */
  financialActions(query: {
    paymentId: string;
    paginationToken?: string | undefined;
  }): Promise<Outcome<{ kind: "found"; actions: FinancialAction[]; next?: string | undefined }>>;
  /** `GET /reports?created_after&created_before&limit`, one page; `next` is the following page's token. */
  listReports(query: {
    createdAfter: string;
    createdBefore?: string | undefined;
    /** 1–100; default 100. */
    limit?: number | undefined;
    paginationToken?: string | undefined;
  }): Promise<Outcome<{ kind: "found"; reports: ReportDetails[]; next?: string | undefined }>>;
  getReport(id: string): Promise<Outcome<{ kind: "found"; report: ReportDetails }>>;
  /** `GET /reports/{id}/files/{fileId}`: the CSV as it arrives, never held whole. */
  openReportFile(
    reportId: string,
    fileId: string,
  ): Promise<Outcome<{ kind: "opened"; body: AsyncIterable<Uint8Array> }>>;
  /** `GET /balances/{entityId}?query=currency:…` on the balances host. */
  balances(
    entityId: string,
    currency?: string,
  ): Promise<Outcome<{ kind: "found"; balances: CurrencyBalance[] }>>;
}

export interface CurrencyBalance {
  descriptor?: string | undefined;
  holdingCurrency: string;
  /** As Checkout.com sends them, as text so nothing is rounded (integers; minor units by the Java SDK's `Long`). */
  pending: string;
  available: string;
  payable: string;
  collateral: string;
}
