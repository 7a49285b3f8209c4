import { z } from "zod";

/**
 * Checkout.com's Disputes API (`GET /disputes`, `GET /disputes/{id}`): the fields Handoff shows
 * operators. Unknown fields pass through; a field missing from a real answer is optional here.
 */
export const disputeDetailsSchema = z.looseObject({
  id: z.string(),
  category: z.string().optional(),
  status: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reason_code: z.string().optional(),
  payment_id: z.string().optional(),
  payment_reference: z.string().optional(),
  received_on: z.string().optional(),
  last_update: z.string().optional(),
  evidence_required_by: z.string().optional(),
  relevant_evidence: z.array(z.string()).optional(),
});
export type DisputeDetails = z.infer<typeof disputeDetailsSchema>;

export const disputeListSchema = z.looseObject({
  total_count: z.number().int().optional(),
  data: z.array(disputeDetailsSchema).default([]),
});

/** `PUT /disputes/{id}/evidence`: a file id (`file_…` from `POST /files`) or text per kind of evidence. */
export const DISPUTE_EVIDENCE_KINDS = [
  "proof_of_delivery_or_service",
  "invoice_or_receipt",
  "customer_communication",
  "refund_or_cancellation_policy",
  "additional_evidence",
] as const;
export type DisputeEvidence = Partial<
  Record<`${(typeof DISPUTE_EVIDENCE_KINDS)[number]}_${"file" | "text"}`, string>
>;
