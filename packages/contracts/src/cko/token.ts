import { z } from "zod";
import { tokenIdSchema } from "../id-schemas.js";
import { addressSchema, phoneSchema } from "./common.js";

/** `POST /tokens` with raw card data (test use only; browsers tokenize inside Checkout.com's iframe). */
export const cardTokenRequestSchema = z.looseObject({
  type: z.literal("card"),
  number: z.string(),
  expiry_month: z.number().int(),
  expiry_year: z.number().int(),
  name: z.string().optional(),
  cvv: z.string().optional(),
  billing_address: addressSchema.optional(),
  phone: phoneSchema.optional(),
});
export type CardTokenRequest = z.infer<typeof cardTokenRequestSchema>;

export const tokenResponseSchema = z.looseObject({
  type: z.string(),
  token: tokenIdSchema,
  expires_on: z.string(),
  expiry_month: z.number().int(),
  expiry_year: z.number().int(),
  last4: z.string(),
  bin: z.string(),
  scheme: z.string().optional(),
  card_type: z.string().optional(),
  card_category: z.string().optional(),
  issuer: z.string().optional(),
  issuer_country: z.string().optional(),
  name: z.string().optional(),
});
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
