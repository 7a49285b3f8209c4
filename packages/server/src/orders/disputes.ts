import { type DisputeDetails, type DisputeEvidence, disputeIdSchema } from "@handoff/contracts";
import { processorFailureReply } from "../processor/failure-reply.js";
import type { ProcessorCall } from "../processor/port.js";
import { type ApiReply, errorReply } from "../reply.js";
import type { TimelineEntry } from "./model.js";
import type { OrderDeps } from "./ports.js";

/** Only Checkout.com's own dispute ids (`dsp_…`) are ever asked about: anything else names no dispute. */
export function isDisputeId(id: string): boolean {
  return disputeIdSchema.safeParse(id).success;
}

/** Where a dispute ends with the cardholder's bank having returned the disputed money to them for good. */
const CHARGED_BACK = new Set(["lost", "accepted", "expired", "arbitration_lost"]);

/** Whether a dispute's news (a webhook type, `dispute_lost`) or its status (`lost`) is a chargeback. */
export function isChargeback(news: string): boolean {
  return CHARGED_BACK.has(news.replace(/^dispute_/, ""));
}

/**
 * What the cardholder's bank took back from the order's payment for good (disputes lost, accepted or
 * expired), in minor units, from the dispute news on the order's timeline: each dispute once, at its amount.
 */
export function chargedBackAmount(timeline: readonly TimelineEntry[]): number {
  const amounts = new Map<string, number>();
  const lost = new Set<string>();
  for (const entry of timeline) {
    if (entry.kind !== "dispute" || typeof entry.detail.disputeId !== "string") continue;
    if (typeof entry.detail.amount === "number") amounts.set(entry.detail.disputeId, entry.detail.amount);
    if (isChargeback(String(entry.detail.type))) lost.add(entry.detail.disputeId);
  }
  return [...lost].reduce((sum, id) => sum + (amounts.get(id) ?? 0), 0);
}

const noSuchDispute = () => errorReply("DISPUTE_NOT_FOUND", "No such dispute at Checkout.com.");

/** The order a dispute is about: by its payment, else by the reference the payment carried. */
export async function orderOfDispute(deps: OrderDeps, dispute: DisputeDetails): Promise<string | undefined> {
  if (dispute.payment_id) {
    const attempt = await deps.store.attemptByPaymentId(dispute.payment_id);
    if (attempt) return attempt.orderId;
  }
  if (dispute.payment_reference) return (await deps.store.getOrder(dispute.payment_reference))?.id;
  return undefined;
}

async function record(
  deps: OrderDeps,
  orderId: string | undefined,
  calls: ProcessorCall[],
  detail: Record<string, unknown>,
): Promise<void> {
  if (!orderId) return;
  for (const call of calls)
    await deps.store.appendEvent(orderId, { kind: "processor_call", detail: { ...call } });
  await deps.store.appendEvent(orderId, { kind: "operator_dispute", detail });
}

/** Accepts a dispute: the cardholder keeps the money; Checkout.com confirms with `dispute_accepted`. */
export async function acceptDispute(deps: OrderDeps, disputeId: string, operator: string): Promise<ApiReply> {
  if (!isDisputeId(disputeId)) return noSuchDispute();
  const found = await deps.processor.getDispute(disputeId);
  if (found.kind !== "found") return noSuchDispute();
  const orderId = await orderOfDispute(deps, found.dispute);
  const outcome = await deps.processor.acceptDispute(disputeId);
  const accepted = outcome.kind === "accepted";
  await record(deps, orderId, outcome.calls, {
    action: "accept",
    disputeId,
    operator,
    accepted,
    ...(accepted ? {} : { failure: outcome.kind }),
  });
  if (accepted) return { status: 202, body: { accepted: true, disputeId } };
  if (outcome.kind === "rejected")
    return errorReply("ACTION_NOT_ALLOWED", "Checkout.com does not allow accepting this dispute now.");
  return processorFailureReply(outcome, deps.logger, orderId ?? disputeId);
}

export interface EvidenceInput {
  text: Partial<
    Record<"proof_of_delivery_or_service" | "customer_communication" | "additional_evidence", string>
  >;
  files: Array<{
    kind:
      | "proof_of_delivery_or_service"
      | "invoice_or_receipt"
      | "customer_communication"
      | "additional_evidence";
    filename: string;
    type: string;
    bytes: Uint8Array;
  }>;
}

/** What Checkout.com takes as evidence files (its Files API): up to 4 MB each. */
export const EVIDENCE_FILE_MAX_BYTES = 4 * 1_048_576;

/** The first bytes of each file type Checkout.com takes: a file's name and declared type prove nothing. */
const EVIDENCE_SIGNATURES = [
  { type: "application/pdf", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: "image/png", bytes: [0x89, 0x50, 0x4e, 0x47] }, // \x89PNG
  { type: "image/jpeg", bytes: [0xff, 0xd8, 0xff] },
] as const;

/** The file's real type by its first bytes, or undefined when it is none of PDF, PNG or JPEG. */
export function evidenceFileType(bytes: Uint8Array): string | undefined {
  return EVIDENCE_SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b))?.type;
}

/** Why a file cannot be evidence, as a refusal, before anything is sent; undefined when it can. */
function evidenceFileRefusal(file: EvidenceInput["files"][number]): ApiReply | undefined {
  if (file.bytes.byteLength > EVIDENCE_FILE_MAX_BYTES)
    return errorReply(
      "PAYLOAD_TOO_LARGE",
      `${file.filename} is ${(file.bytes.byteLength / 1_048_576).toFixed(1)} MB: Checkout.com takes files up to 4 MB. Nothing was sent.`,
    );
  if (!evidenceFileType(file.bytes))
    return errorReply(
      "UNSUPPORTED_MEDIA_TYPE",
      `${file.filename} is not a PDF, PNG or JPEG file (whatever its name says): Checkout.com takes only those. Nothing was sent.`,
    );
  return undefined;
}

/** Checkout.com's refusal of an uploaded file, said as one (a refusal does not change by trying again). */
function uploadRefusal(
  filename: string,
  failure: Exclude<Awaited<ReturnType<OrderDeps["processor"]["uploadDisputeFile"]>>, { kind: "uploaded" }>,
): ApiReply | undefined {
  if (failure.kind !== "rejected") return undefined;
  if (failure.status === 413)
    return errorReply(
      "PAYLOAD_TOO_LARGE",
      `Checkout.com refused ${filename} as too large (HTTP 413). Trying again will not help: send a smaller file.`,
    );
  return errorReply(
    "INVALID_REQUEST",
    `Checkout.com refused ${filename}: ${failure.codes.join(", ") || "invalid"} (PDF, PNG or JPEG up to 4 MB).`,
  );
}

/**
 * Answers a dispute: uploads the files, attaches them and the texts as evidence, and submits it,
 * once (Checkout.com refuses changes after). Each step is on the order's timeline with the operator.
 */
export async function submitDisputeEvidence(
  deps: OrderDeps,
  disputeId: string,
  input: EvidenceInput,
  operator: string,
): Promise<ApiReply> {
  if (!isDisputeId(disputeId)) return noSuchDispute();
  const texts = Object.entries(input.text).filter(([, v]) => v?.trim());
  if (texts.length === 0 && input.files.length === 0)
    return errorReply("INVALID_REQUEST", "Give at least one piece of evidence: a text or a file.");
  for (const file of input.files) {
    const refusal = evidenceFileRefusal(file);
    if (refusal) return refusal;
  }
  const found = await deps.processor.getDispute(disputeId);
  if (found.kind !== "found") return noSuchDispute();
  const orderId = await orderOfDispute(deps, found.dispute);
  const evidence: DisputeEvidence = {};
  for (const [kind, text] of texts)
    evidence[`${kind}_text` as keyof DisputeEvidence] = String(text).trim().slice(0, 1000);
  const calls: ProcessorCall[] = [];
  for (const file of input.files) {
    const uploaded = await deps.processor.uploadDisputeFile({
      ...file,
      type: evidenceFileType(file.bytes) ?? file.type,
    });
    calls.push(...uploaded.calls);
    if (uploaded.kind !== "uploaded") {
      await record(deps, orderId, calls, {
        action: "evidence",
        disputeId,
        operator,
        accepted: false,
        failure: `upload ${file.filename}: ${uploaded.kind}`,
      });
      return (
        uploadRefusal(file.filename, uploaded) ??
        processorFailureReply(uploaded, deps.logger, orderId ?? disputeId)
      );
    }
    evidence[`${file.kind}_file`] = uploaded.fileId;
  }
  const provided = await deps.processor.provideDisputeEvidence(disputeId, evidence);
  calls.push(...provided.calls);
  const submitted =
    provided.kind === "accepted" ? await deps.processor.submitDisputeEvidence(disputeId) : provided;
  if (submitted !== provided) calls.push(...submitted.calls);
  const accepted = submitted.kind === "accepted";
  await record(deps, orderId, calls, {
    action: "evidence",
    disputeId,
    operator,
    accepted,
    kinds: Object.keys(evidence),
    ...(accepted ? {} : { failure: submitted.kind }),
  });
  if (accepted) return { status: 202, body: { submitted: true, disputeId } };
  if (submitted.kind === "rejected")
    return errorReply(
      "ACTION_NOT_ALLOWED",
      `Checkout.com refused the evidence: ${submitted.codes.join(", ") || "invalid"}.`,
    );
  return processorFailureReply(submitted, deps.logger, orderId ?? disputeId);
}
