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
