import { z } from "zod";
import { minorAmountSchema } from "../currency.js";

export const linkSchema = z.looseObject({ href: z.string() });
export type Link = z.infer<typeof linkSchema>;

/**
 * Payment balances, all in minor units and never negative (one that is cannot be believed, and
 * `available_to_refund` becomes a refund's amount); kept consistent across GET, POST responses and webhooks.
 */
export const balancesSchema = z.looseObject({
  total_authorized: minorAmountSchema,
  total_voided: minorAmountSchema,
  available_to_void: minorAmountSchema,
  total_captured: minorAmountSchema,
  available_to_capture: minorAmountSchema,
  total_refunded: minorAmountSchema,
  available_to_refund: minorAmountSchema,
});
export type Balances = z.infer<typeof balancesSchema>;

export const METADATA_MAX_KEYS = 20;
export const METADATA_MAX_VALUE_LENGTH = 255;

/** Request metadata: flat, primitives only, at most 20 keys, string values at most 255 characters. */
export const metadataRequestSchema = z
  .record(z.string().min(1), z.union([z.string().max(METADATA_MAX_VALUE_LENGTH), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= METADATA_MAX_KEYS, {
    message: `metadata holds at most ${METADATA_MAX_KEYS} keys`,
  });

/** Metadata as Checkout.com echoes it: webhooks may turn numbers into strings, so accept both. */
export const metadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export type Metadata = z.infer<typeof metadataSchema>;

/** 422 (and 429) body. 401 has no body at all. */
export const errorBodySchema = z.looseObject({
  request_id: z.string(),
  error_type: z.string(),
  error_codes: z.array(z.string()).optional(),
});
export type CkoErrorBody = z.infer<typeof errorBodySchema>;

export const riskSchema = z.looseObject({ flagged: z.boolean(), score: z.number().optional() });

export const threeDsResultSchema = z.looseObject({
  downgraded: z.boolean().optional(),
  enrolled: z.enum(["Y", "N", "U"]).optional(),
  authentication_response: z.string().optional(),
  challenged: z.boolean().optional(),
  version: z.string().optional(),
});

export const addressSchema = z.looseObject({
  address_line1: z.string().max(200).optional(),
  address_line2: z.string().max(200).optional(),
  city: z.string().max(50).optional(),
  state: z.string().optional(),
  zip: z.string().max(50).optional(),
  country: z.string().length(2).optional(),
});

export const phoneSchema = z.looseObject({
  country_code: z.string().min(1).max(7).optional(),
  number: z.string().min(6).max(25).optional(),
});
