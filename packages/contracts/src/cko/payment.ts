import { z } from "zod";
import { currencyCodeSchema, minorAmountSchema } from "../currency.js";
import { actionIdSchema, paymentIdSchema, processingChannelIdSchema } from "../id-schemas.js";
import {
  addressSchema,
  balancesSchema,
  linkSchema,
  metadataRequestSchema,
  metadataSchema,
  phoneSchema,
  riskSchema,
  threeDsResultSchema,
} from "./common.js";

/** `POST /payments` with a token source: the only request shape Handoff sends. */
export const paymentRequestSchema = z.looseObject({
  source: z.looseObject({
    type: z.literal("token"),
    token: z.string(),
    billing_address: addressSchema.optional(),
    phone: phoneSchema.optional(),
  }),
  amount: minorAmountSchema.optional(),
  currency: currencyCodeSchema,
  payment_type: z.enum(["Regular", "Recurring", "MOTO", "Installment", "PayLater", "Unscheduled"]).optional(),
  reference: z.string().max(80).optional(),
  description: z.string().max(100).optional(),
  capture: z.boolean().optional(),
  capture_on: z.string().optional(),
  customer: z
    .looseObject({
      id: z.string().optional(),
      email: z.string().max(255).optional(),
      name: z.string().max(255).optional(),
    })
    .optional(),
  "3ds": z
    .looseObject({
      enabled: z.boolean().optional(),
      attempt_n3d: z.boolean().optional(),
      challenge_indicator: z
        .enum([
          "no_preference",
          "no_challenge_requested",
          "challenge_requested",
          "challenge_requested_mandate",
        ])
        .optional(),
    })
    .optional(),
  processing_channel_id: processingChannelIdSchema.optional(),
  success_url: z.string().max(1024).optional(),
  failure_url: z.string().max(1024).optional(),
  metadata: metadataRequestSchema.optional(),
  /** The shopper's IP, for the risk engine. */
  payment_ip: z.string().max(45).optional(),
  /** Flow's tokenize result carries the device session its risk engine fingerprinted. */
  risk: z
    .looseObject({ enabled: z.boolean().optional(), device_session_id: z.string().max(100).optional() })
    .optional(),
});
export type PaymentRequest = z.input<typeof paymentRequestSchema>;

/** Status as the POST response, `GET /payments/{id}` and the SDK's PaymentStatus enum use it. */
export const paymentStatusSchema = z.enum([
  "Active",
  "Requested",
  "Pending",
  "Authorized",
  "Card Verified",
  "Canceled",
  "Expired",
  "Paid",
  "Declined",
  "Voided",
  "Partially Captured",
  "Captured",
  "Partially Refunded",
  "Refunded",
  "Authentication Requested",
  "Retry Scheduled",
]);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

const paymentLinksSchema = z.looseObject({
  self: linkSchema,
  actions: linkSchema.optional(),
  capture: linkSchema.optional(),
  void: linkSchema.optional(),
  refund: linkSchema.optional(),
  redirect: linkSchema.optional(),
});

const responseSourceSchema = z.looseObject({
  type: z.string(),
  id: z.string().optional(),
  scheme: z.string().optional(),
  last4: z.string().optional(),
  bin: z.string().optional(),
  expiry_month: z.number().int().optional(),
  expiry_year: z.number().int().optional(),
  /** Set when the card came from a wallet token: "applepay" or "googlepay". */
  card_wallet_type: z.string().optional(),
});

/** 201: processed synchronously, approved or declined. */
export const paymentProcessedResponseSchema = z.looseObject({
  id: paymentIdSchema,
  action_id: actionIdSchema,
  amount: z.number().int(),
  currency: currencyCodeSchema,
  approved: z.boolean(),
  status: paymentStatusSchema,
  response_code: z.string(),
  response_summary: z.string().optional(),
  auth_code: z.string().optional(),
  processed_on: z.string(),
  reference: z.string().optional(),
  risk: riskSchema.optional(),
  "3ds": threeDsResultSchema.optional(),
  source: responseSourceSchema.optional(),
  balances: balancesSchema.optional(),
  metadata: metadataSchema.optional(),
  _links: paymentLinksSchema,
});
export type PaymentProcessedResponse = z.infer<typeof paymentProcessedResponseSchema>;

/** 202: more action needed, typically a 3-D Secure redirect. */
export const paymentPendingResponseSchema = z.looseObject({
  id: paymentIdSchema,
  status: z.literal("Pending"),
  reference: z.string().optional(),
  "3ds": threeDsResultSchema.optional(),
  _links: paymentLinksSchema.extend({ redirect: linkSchema }),
});
export type PaymentPendingResponse = z.infer<typeof paymentPendingResponseSchema>;

export const paymentActionTypeSchema = z.enum([
  "Authorization",
  "Card Verification",
  "Void",
  "Capture",
  "Refund",
  "Payout",
  "Return",
]);

export const paymentActionSchema = z.looseObject({
  id: actionIdSchema,
  type: paymentActionTypeSchema,
  processed_on: z.string(),
  amount: z.number().int(),
  approved: z.boolean().optional(),
  auth_code: z.string().optional(),
  response_code: z.string().optional(),
  response_summary: z.string().optional(),
  reference: z.string().optional(),
  metadata: metadataSchema.optional(),
});
export type PaymentAction = z.infer<typeof paymentActionSchema>;

/** `GET /payments/{id}/actions`: a top-level array, newest first. */
export const paymentActionsResponseSchema = z.array(paymentActionSchema);

/** `GET /payments/{pay_|sid_}`. */
export const paymentDetailsSchema = z.looseObject({
  id: paymentIdSchema,
  requested_on: z.string(),
  amount: z.number().int(),
  currency: currencyCodeSchema,
  status: paymentStatusSchema,
  approved: z.boolean().optional(),
  reference: z.string().optional(),
  response_code: z.string().optional(),
  response_summary: z.string().optional(),
  risk: riskSchema.optional(),
  "3ds": threeDsResultSchema.optional(),
  source: responseSourceSchema.optional(),
  balances: balancesSchema.optional(),
  metadata: metadataSchema.optional(),
  actions: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
  _links: paymentLinksSchema,
});
export type PaymentDetails = z.infer<typeof paymentDetailsSchema>;

export const captureRequestSchema = z.looseObject({
  amount: minorAmountSchema.optional(),
  capture_type: z.enum(["NonFinal", "Final"]).optional(),
  reference: z.string().max(50).optional(),
  metadata: metadataRequestSchema.optional(),
});
export const refundRequestSchema = z.looseObject({
  amount: minorAmountSchema.optional(),
  reference: z.string().max(50).optional(),
  metadata: metadataRequestSchema.optional(),
});
export const voidRequestSchema = z.looseObject({
  reference: z.string().max(50).optional(),
  metadata: metadataRequestSchema.optional(),
});
export type CaptureRequest = z.input<typeof captureRequestSchema>;
export type RefundRequest = z.input<typeof refundRequestSchema>;
export type VoidRequest = z.input<typeof voidRequestSchema>;

/** 202 from captures, refunds and voids: accepted only; the outcome arrives by webhook. */
export const actionAcceptedResponseSchema = z.looseObject({
  action_id: actionIdSchema,
  reference: z.string().optional(),
  _links: z.looseObject({ payment: linkSchema, redirect: linkSchema.optional() }),
});
export type ActionAcceptedResponse = z.infer<typeof actionAcceptedResponseSchema>;
