import { z } from "zod";

/**
 * Checkout.com ids, parsed once at the edge into branded types so a token can never be passed
 * where a payment id is expected. Suffixes are 26 word characters (lowercase base32 in practice).
 */
function prefixedId<const B extends string>(prefix: string, _brand: B) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_\\w{26}$`), `expected a ${prefix}_ id followed by 26 characters`)
    .brand<B>();
}

export const tokenIdSchema = prefixedId("tok", "TokenId");
export const paymentIdSchema = prefixedId("pay", "PaymentId");
export const actionIdSchema = prefixedId("act", "ActionId");
export const eventIdSchema = prefixedId("evt", "EventId");
export const sessionIdSchema = prefixedId("sid", "SessionId");
export const sourceIdSchema = prefixedId("src", "SourceId");
export const processingChannelIdSchema = prefixedId("pc", "ProcessingChannelId");
/** `GET /payments/{id}` takes a payment id or, after 3-D Secure, a session id. */
export const paymentOrSessionIdSchema = z
  .string()
  .regex(/^(pay|sid)_\w{26}$/, "expected a pay_ or sid_ id followed by 26 characters");
/** Payment sessions (Flow) use 27 mixed-case characters. */
export const paymentSessionIdSchema = z
  .string()
  .regex(/^ps_[A-Za-z0-9]{20,40}$/, "expected a ps_ payment session id")
  .brand<"PaymentSessionId">();
/** Dispute ids have no documented length. */
export const disputeIdSchema = z.string().regex(/^dsp_\w+$/, "expected a dsp_ dispute id");

export type TokenId = z.infer<typeof tokenIdSchema>;
export type PaymentId = z.infer<typeof paymentIdSchema>;
export type ActionId = z.infer<typeof actionIdSchema>;
export type EventId = z.infer<typeof eventIdSchema>;
export type SessionId = z.infer<typeof sessionIdSchema>;
export type ProcessingChannelId = z.infer<typeof processingChannelIdSchema>;
export type PaymentSessionId = z.infer<typeof paymentSessionIdSchema>;
