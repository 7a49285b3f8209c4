import { type ApiResult, apiError, notFound } from "../payments/api-result.js";
import type { SandboxPayment } from "../payments/model.js";
import { newId } from "../random-ids.js";

/** The evidence fields Checkout.com's `PUT /disputes/{id}/evidence` takes: a file id or text each. */
export const EVIDENCE_FIELDS = [
  "proof_of_delivery_or_service",
  "invoice_or_receipt",
  "invoice_showing_distinct_transactions",
  "customer_communication",
  "refund_or_cancellation_policy",
  "recurring_transaction_agreement",
  "additional_evidence",
  "proof_of_delivery_or_service_date",
] as const;
const ALLOWED = new Set(EVIDENCE_FIELDS.flatMap((f) => [`${f}_file`, `${f}_text`]));

export type DisputeStatus =
  | "evidence_required"
  | "evidence_under_review"
  | "won"
  | "lost"
  | "accepted"
  | "expired"
  | "canceled"
  | "resolved";

export interface SandboxDispute {
  id: string;
  category: string;
  status: DisputeStatus;
  amount: number;
  currency: string;
  reasonCode: string;
  paymentId: string;
  paymentReference?: string | undefined;
  paymentMethod: string;
  receivedOn: string;
  lastUpdate: string;
  evidenceRequiredBy: string;
  evidence: Record<string, string>;
}

export interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  size: number;
  uploadedOn: string;
}

export interface DisputeDeps {
  now: () => number;
  emit: (type: string, dispute: SandboxDispute) => void;
  later: (fn: () => void, ms: number) => void;
}

/** The fields a dispute shows in the API and in its webhooks, in Checkout.com's names. */
export function disputeFields(
  d: Pick<
    SandboxDispute,
    | "id"
    | "category"
    | "status"
    | "amount"
    | "currency"
    | "reasonCode"
    | "paymentId"
    | "paymentReference"
    | "paymentMethod"
    | "evidenceRequiredBy"
  >,
) {
  return {
    id: d.id,
    category: d.category,
    status: d.status,
    amount: d.amount,
    currency: d.currency,
    reason_code: d.reasonCode,
    payment_id: d.paymentId,
    ...(d.paymentReference !== undefined ? { payment_reference: d.paymentReference } : {}),
    payment_method: d.paymentMethod,
    evidence_required_by: d.evidenceRequiredBy,
  };
}

/** How long a merchant has to answer, as Checkout.com gives on most disputes. */
const EVIDENCE_WINDOW_MS = 7 * 86_400_000;
/** How long the scheme takes to decide once evidence is in (÷ the sandbox's time scale). */
const DECISION_MS = 60_000;

/**
 * Disputes as Checkout.com's Disputes API shows them: opened against a captured payment, evidence
 * attached (files uploaded through `/files`, or text) and submitted once, or accepted; the deadline
 * passing expires them. The sandbox decides a submitted dispute after a minute (time-scaled): won
 * when proof of delivery or service was given, lost otherwise, each with its webhook.
 */
export class DisputeService {
  readonly disputes = new Map<string, SandboxDispute>();
  readonly files = new Map<string, StoredFile>();

  constructor(private readonly deps: DisputeDeps) {}

  private iso = () => new Date(this.deps.now()).toISOString();

  /**
   * A cardholder's bank disputes `payment`. `announce` is which events say so: both by default, only
   * `dispute_received` when a person triggered that one event (`handoff-sandbox trigger`).
   */
  open(
    payment: SandboxPayment,
    options: {
      category?: string;
      reasonCode?: string;
      amount?: number;
      announce?: readonly ("dispute_received" | "dispute_evidence_required")[];
    } = {},
  ) {
    const at = this.iso();
    const dispute: SandboxDispute = {
      id: newId("dsp"),
      category: options.category ?? "fraudulent",
      status: "evidence_required",
      amount: options.amount ?? (payment.balances.total_captured || payment.amount),
      currency: payment.currency,
      reasonCode: options.reasonCode ?? "10.4",
      paymentId: payment.id,
      paymentReference: payment.reference,
      paymentMethod: payment.card.scheme.toUpperCase(),
      receivedOn: at,
      lastUpdate: at,
      evidenceRequiredBy: new Date(this.deps.now() + EVIDENCE_WINDOW_MS).toISOString(),
      evidence: {},
    };
    this.disputes.set(dispute.id, dispute);
    for (const type of options.announce ?? ["dispute_received", "dispute_evidence_required"])
      this.deps.emit(type, dispute);
    return dispute;
  }

  /** A dispute past its deadline with no answer is expired (looked at lazily, when read). */
  private current(id: string): SandboxDispute | undefined {
    const d = this.disputes.get(id);
    if (d?.status === "evidence_required" && Date.parse(d.evidenceRequiredBy) < this.deps.now()) {
      this.change(d, "expired");
      this.deps.emit("dispute_expired", d);
    }
    return d;
  }

  private change(d: SandboxDispute, status: DisputeStatus) {
    d.status = status;
    d.lastUpdate = this.iso();
  }

  view(d: SandboxDispute, base: string) {
    return {
      ...disputeFields(d),
      received_on: d.receivedOn,
      last_update: d.lastUpdate,
      evidence_required_by: d.evidenceRequiredBy,
      ...(d.status === "evidence_required"
        ? { relevant_evidence: ["proof_of_delivery_or_service", "customer_communication"] }
        : {}),
      _links: {
        self: { href: `${base}/disputes/${d.id}` },
        ...(d.status === "evidence_required"
          ? {
              accept: { href: `${base}/disputes/${d.id}/accept` },
              evidence: { href: `${base}/disputes/${d.id}/evidence` },
            }
          : {}),
      },
    };
  }

  list(query: URLSearchParams, base: string): ApiResult {
    const limit = Math.min(250, Math.max(1, Number(query.get("limit") ?? 50) || 50));
    const skip = Math.max(0, Number(query.get("skip") ?? 0) || 0);
    const statuses = query.get("statuses")?.split(",");
    const payment = query.get("payment_id");
    const all = [...this.disputes.keys()]
      .map((id) => this.current(id) as SandboxDispute)
      .filter((d) => (!statuses || statuses.includes(d.status)) && (!payment || d.paymentId === payment))
      .sort((a, b) => b.lastUpdate.localeCompare(a.lastUpdate));
    return {
      status: 200,
      body: {
        limit,
        skip,
        total_count: all.length,
        data: all.slice(skip, skip + limit).map((d) => this.view(d, base)),
      },
    };
  }

  get(id: string, base: string): ApiResult {
    const d = this.current(id);
    return d ? { status: 200, body: this.view(d, base) } : notFound();
  }

  accept(id: string): ApiResult {
    const d = this.current(id);
    if (!d) return notFound();
    if (d.status !== "evidence_required") return apiError(422, ["dispute_status_invalid"]);
    this.change(d, "accepted");
    this.deps.emit("dispute_accepted", d);
    return { status: 204 };
  }

  provideEvidence(id: string, body: Record<string, unknown>): ApiResult {
    const d = this.current(id);
    if (!d) return notFound();
    if (d.status !== "evidence_required") return apiError(422, ["dispute_status_invalid"]);
    const entries = Object.entries(body);
    if (entries.length === 0) return apiError(422, ["evidence_required"]);
    for (const [key, value] of entries) {
      if (!ALLOWED.has(key)) return apiError(422, [`${key}_invalid`]);
      if (typeof value !== "string" || value.length === 0 || value.length > 1000)
        return apiError(422, [`${key}_invalid`]);
      if (key.endsWith("_file") && !this.files.has(value)) return apiError(422, [`${key}_not_found`]);
    }
    Object.assign(d.evidence, body);
    d.lastUpdate = this.iso();
    return { status: 204 };
  }

  evidence(id: string): ApiResult {
    const d = this.current(id);
    return d ? { status: 200, body: { ...d.evidence } } : notFound();
  }

  submit(id: string): ApiResult {
    const d = this.current(id);
    if (!d) return notFound();
    if (d.status !== "evidence_required") return apiError(422, ["dispute_status_invalid"]);
    if (Object.keys(d.evidence).length === 0) return apiError(422, ["evidence_required"]);
    this.change(d, "evidence_under_review");
    this.deps.emit("dispute_evidence_submitted", d);
    const proved = Object.keys(d.evidence).some((k) => k.startsWith("proof_of_delivery_or_service"));
    this.deps.later(() => {
      this.change(d, proved ? "won" : "lost");
      this.deps.emit(proved ? "dispute_won" : "dispute_lost", d);
    }, DECISION_MS);
    return { status: 204 };
  }

  upload(file: { filename: string; size: number }, purpose: string, base: string): ApiResult {
    if (purpose !== "dispute_evidence" && purpose !== "additional_document")
      return apiError(422, ["purpose_invalid"]);
    if (!/\.(pdf|png|jpe?g)$/i.test(file.filename)) return apiError(422, ["file_type_invalid"]);
    if (file.size === 0 || file.size > 4 * 1024 * 1024) return apiError(422, ["file_size_invalid"]);
    const stored: StoredFile = {
      id: newId("file"),
      filename: file.filename,
      purpose,
      size: file.size,
      uploadedOn: this.iso(),
    };
    this.files.set(stored.id, stored);
    return { status: 201, body: { id: stored.id, _links: { self: { href: `${base}/files/${stored.id}` } } } };
  }
}
