import { z } from "zod";
import { currencyCodeSchema, minorAmountSchema } from "../currency.js";
import { DECLINE_REASONS } from "../response-codes.js";

/** Who is paying, as Checkout.com's risk engine and Flow want it: email, and name when known. */
export const checkoutCustomerSchema = z.object({
  email: z.email().max(255),
  name: z.string().trim().min(1).max(255).optional(),
});
export type CheckoutCustomer = z.infer<typeof checkoutCustomerSchema>;

/** The billing country (ISO 3166-1 alpha-2), which Flow and the fraud rules expect on every session. */
export const checkoutBillingSchema = z.object({
  country: z.string().regex(/^[A-Z]{2}$/, "expected an ISO 3166 country code such as GB"),
});
export type CheckoutBilling = z.infer<typeof checkoutBillingSchema>;

/**
 * `POST …/session`: the browser names the cart; the server prices it. The customer and billing
 * country the merchant's checkout collected ride along (a server-side hook may supply them instead).
 */
export const sessionRequestSchema = z.object({
  cartId: z.string().min(1).max(100),
  customer: checkoutCustomerSchema.optional(),
  billing: checkoutBillingSchema.optional(),
});
export type SessionRequest = z.infer<typeof sessionRequestSchema>;

export const environmentSchema = z.enum(["local", "sandbox", "production"]);
export type HandoffEnvironment = z.infer<typeof environmentSchema>;

export const sessionResponseSchema = z.object({
  /** The whole `POST /payment-sessions` response, passed unchanged to Checkout Web Components. */
  paymentSession: z.looseObject({ id: z.string() }),
  publicKey: z.string(),
  environment: environmentSchema,
  amount: minorAmountSchema,
  currency: currencyCodeSchema,
  /**
   * The amount as the shopper reads it ("£14.50", "14,50 €"), formatted by the server in the
   * language the widget asked in (its Accept-Language): the Pay button shows exactly this.
   */
  amountText: z.string(),
  /** Local mode only: the sandbox's emulation of Checkout.com's CDN script, loaded before the official loader. */
  componentsScriptUrl: z.string().optional(),
  /** What happened to the shopper's last try, when they come back to pay again (a failed 3-D Secure). */
  notice: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/**
 * `POST …/confirm`: the server computes the amount from the cart and never charges one the browser
 * sends. `amount` and `currency` are what the shopper was shown: when they differ from the order's,
 * the confirm is refused (CART_CHANGED) rather than charging something the shopper did not see.
 */
export const confirmRequestSchema = z.object({
  cartId: z.string().min(1).max(100),
  processorToken: z.string().regex(/^tok_\w{26}$/, "expected a tok_ token from Checkout.com"),
  amount: minorAmountSchema.optional(),
  currency: currencyCodeSchema.optional(),
  /** Flow's `risk.device_session_id`, forwarded to Checkout.com's risk engine. */
  deviceSessionId: z
    .string()
    .regex(/^dsid_\w+$/, "expected Flow's dsid_ device session")
    .max(100)
    .optional(),
});
export type ConfirmRequest = z.infer<typeof confirmRequestSchema>;

export const confirmApprovedSchema = z.object({
  status: z.literal("approved"),
  orderId: z.string(),
  paymentId: z.string(),
  /** Risk-flagged approvals are held for review by the merchant; the shopper still sees success. */
  needsReview: z.boolean().optional(),
});
export const confirmDeclinedSchema = z.object({
  status: z.literal("declined"),
  orderId: z.string(),
  code: z.string(),
  reason: z.enum(DECLINE_REASONS),
  category: z.enum(["soft", "hard", "risk"]),
  retryable: z.boolean(),
  message: z.string(),
});
export const confirmRequiresActionSchema = z.object({
  status: z.literal("requires_action"),
  orderId: z.string(),
  redirectUrl: z.string(),
});
export const confirmResponseSchema = z.discriminatedUnion("status", [
  confirmApprovedSchema,
  confirmDeclinedSchema,
  confirmRequiresActionSchema,
]);
export type ConfirmApproved = z.infer<typeof confirmApprovedSchema>;
export type ConfirmDeclined = z.infer<typeof confirmDeclinedSchema>;
export type ConfirmRequiresAction = z.infer<typeof confirmRequiresActionSchema>;
export type ConfirmResponse = z.infer<typeof confirmResponseSchema>;

/** HTTP status per confirm outcome (ARCHITECTURE §3). */
export const CONFIRM_STATUS = { approved: 200, declined: 402, requires_action: 202 } as const;
