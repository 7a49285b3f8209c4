import { z } from "zod";
import { currencyCodeSchema } from "../currency.js";
import { disputeIdSchema, eventIdSchema, paymentIdSchema } from "../id-schemas.js";
import { balancesSchema, linkSchema, metadataSchema, riskSchema } from "./common.js";

/**
 * Checkout.com webhook envelopes (reference §5). Webhook payloads differ from the REST payment:
 * `source.last_4`, `billing_address.line1`/`town_city`, string URLs in `data.event_links`, and
 * metadata numbers that may arrive as strings. A type we do not know must still parse: new event
 * types must never break the receiver.
 */

/** Results of an authorization-like step: the response code is what the event is about. */
export const PAYMENT_RESULT_EVENT_TYPES = [
  "payment_approved",
  "payment_declined",
  "card_verified",
  "card_verification_declined",
  "payment_authorization_incremented",
  "payment_authorization_increment_declined",
] as const;

/** Outcomes of capture, refund and void actions: each carries the action's own id and amount. */
export const PAYMENT_ACTION_EVENT_TYPES = [
  "payment_captured",
  "payment_capture_declined",
  "payment_refunded",
  "payment_refund_declined",
  "payment_voided",
  "payment_void_declined",
] as const;

export const PAYMENT_LIFECYCLE_EVENT_TYPES = [
  "payment_pending",
  "payment_expired",
  "payment_canceled",
  "payment_paid",
  "payment_capture_pending",
  "payment_refund_pending",
  "payment_authentication_failed",
  "payment_authorized",
  "payment_returned",
  "payment_retry_scheduled",
] as const;

export const DISPUTE_EVENT_TYPES = [
  "dispute_received",
  "dispute_evidence_required",
  "dispute_evidence_submitted",
  "dispute_evidence_acknowledged_by_scheme",
  "dispute_accepted",
  "dispute_canceled",
  "dispute_expired",
  "dispute_lost",
  "dispute_won",
  "dispute_resolved",
  "dispute_arbitration_sent_to_scheme",
  "dispute_arbitration_evidence_submitted",
  "dispute_arbitration_won",
  "dispute_arbitration_lost",
] as const;

export const PAYMENT_EVENT_TYPES = [
  ...PAYMENT_RESULT_EVENT_TYPES,
  ...PAYMENT_ACTION_EVENT_TYPES,
  ...PAYMENT_LIFECYCLE_EVENT_TYPES,
] as const;
export const KNOWN_EVENT_TYPES = [...PAYMENT_EVENT_TYPES, ...DISPUTE_EVENT_TYPES] as const;

export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];
export type DisputeEventType = (typeof DISPUTE_EVENT_TYPES)[number];
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

const KNOWN = new Set<string>(KNOWN_EVENT_TYPES);
export function isKnownEventType(type: string): type is KnownEventType {
  return KNOWN.has(type);
}

const webhookSourceSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  scheme: z.string().optional(),
  last_4: z.string().optional(),
  bin: z.string().optional(),
  billing_address: z
    .looseObject({
      line1: z.string().optional(),
      line2: z.string().optional(),
      town_city: z.string().optional(),
      state: z.string().optional(),
      zip: z.string().optional(),
      country: z.string().optional(),
    })
    .optional(),
});

/**
 * Only the payment id (and the envelope's id and type) must be right. Every other field Handoff reads
 * is taken when it is well formed and dropped when it is not, so a field Checkout.com starts sending
 * in a new format never stops an event from being applied.
 */
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/**
 * An amount is money the event moves, so a number must be whole minor units, never negative: one
 * that is not makes the event invalid at once (a refund of -5 would otherwise fail every retry on
 * the store's CHECK). Only another type (a string) is a new format, dropped like other fields.
 */
const amount = z.preprocess(
  (value) => (typeof value === "number" ? value : undefined),
  z
    .number()
    .max(Number.MAX_SAFE_INTEGER, "an amount is at most 2^53 - 1 minor units")
    .int("an amount is a whole number of minor units")
    .nonnegative("an amount is never negative")
    .optional(),
);

const paymentEventDataSchema = z.looseObject({
  id: paymentIdSchema,
  action_id: lenient(z.string()),
  reference: lenient(z.string()),
  amount,
  currency: lenient(currencyCodeSchema),
  response_code: lenient(z.string()),
  response_summary: lenient(z.string()),
  processed_on: lenient(z.string()),
  metadata: lenient(metadataSchema),
  source: lenient(webhookSourceSchema),
  balances: lenient(balancesSchema),
  risk: lenient(riskSchema),
  event_links: lenient(z.record(z.string(), z.string())),
});

const disputeEventDataSchema = z.looseObject({
  id: disputeIdSchema,
  payment_id: lenient(paymentIdSchema),
  payment_action_id: lenient(z.string()),
  payment_reference: lenient(z.string()),
  amount,
  currency: lenient(currencyCodeSchema),
  reason_code: lenient(z.string()),
  category: lenient(z.string()),
  date: lenient(z.string()),
  evidence_required_by: lenient(z.string()),
});

/** Shared envelope. `created_on` is the pushed shape; `timestamp` appears in the Workflows GET shape. */
const envelope = {
  id: eventIdSchema,
  version: lenient(z.string()),
  created_on: lenient(z.string()),
  timestamp: lenient(z.string()),
  _links: lenient(z.record(z.string(), linkSchema)),
};

export const paymentResultEventSchema = z.looseObject({
  ...envelope,
  type: z.literal(PAYMENT_RESULT_EVENT_TYPES),
  data: paymentEventDataSchema,
});
export const paymentActionEventSchema = z.looseObject({
  ...envelope,
  type: z.literal(PAYMENT_ACTION_EVENT_TYPES),
  data: paymentEventDataSchema,
});
export const paymentLifecycleEventSchema = z.looseObject({
  ...envelope,
  type: z.literal(PAYMENT_LIFECYCLE_EVENT_TYPES),
  data: paymentEventDataSchema,
});
export const disputeEventSchema = z.looseObject({
  ...envelope,
  type: z.literal(DISPUTE_EVENT_TYPES),
  data: disputeEventDataSchema,
});

export const knownWebhookEventSchema = z.discriminatedUnion("type", [
  paymentResultEventSchema,
  paymentActionEventSchema,
  paymentLifecycleEventSchema,
  disputeEventSchema,
]);

/** Any other type: stored and acknowledged, never applied. */
export const unknownWebhookEventSchema = z.looseObject({
  ...envelope,
  type: z
    .string()
    .min(1)
    .refine((t) => !KNOWN.has(t), "a known event type must match its own schema"),
  data: z.unknown(),
});

export type PaymentResultEvent = z.infer<typeof paymentResultEventSchema>;
export type PaymentActionEvent = z.infer<typeof paymentActionEventSchema>;
export type PaymentLifecycleEvent = z.infer<typeof paymentLifecycleEventSchema>;
export type PaymentEvent = PaymentResultEvent | PaymentActionEvent | PaymentLifecycleEvent;
export type DisputeEvent = z.infer<typeof disputeEventSchema>;
export type KnownWebhookEvent = z.infer<typeof knownWebhookEventSchema>;
export type UnknownWebhookEvent = z.infer<typeof unknownWebhookEventSchema> & { known?: never };
export type WebhookEvent = KnownWebhookEvent | UnknownWebhookEvent;

/**
 * Parses a decoded webhook body. A known type fails only when what identifies it is wrong (the
 * `evt_` id, `data.id`); any other field in an unexpected format is dropped. Other types parse loosely.
 */
export function parseWebhookEvent(input: unknown): z.ZodSafeParseResult<WebhookEvent> {
  const type = typeof input === "object" && input !== null ? (input as { type?: unknown }).type : undefined;
  if (typeof type === "string" && KNOWN.has(type)) return knownWebhookEventSchema.safeParse(input);
  return unknownWebhookEventSchema.safeParse(input) as z.ZodSafeParseResult<WebhookEvent>;
}

export function isPaymentEvent(event: WebhookEvent): event is PaymentEvent {
  return (PAYMENT_EVENT_TYPES as readonly string[]).includes(event.type);
}

export function isDisputeEvent(event: WebhookEvent): event is DisputeEvent {
  return (DISPUTE_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** The token a Handoff payment was charged with, as echoed back in webhook metadata. */
export function accelerateTokenOf(event: WebhookEvent): string | undefined {
  if (!isPaymentEvent(event)) return undefined;
  const value = event.data.metadata?.AccelerateToken;
  return typeof value === "string" ? value : undefined;
}
