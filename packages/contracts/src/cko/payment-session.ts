import { z } from "zod";
import { currencyCodeSchema, minorAmountSchema } from "../currency.js";
import { paymentSessionIdSchema } from "../id-schemas.js";
import { linkSchema } from "./common.js";

export const paymentSessionRequestSchema = z.looseObject({
  amount: minorAmountSchema,
  currency: currencyCodeSchema,
  reference: z.string().max(80).optional(),
  processing_channel_id: z.string().optional(),
  success_url: z.string().optional(),
  failure_url: z.string().optional(),
  billing: z.looseObject({ address: z.looseObject({ country: z.string().length(2) }) }).optional(),
  customer: z.looseObject({ email: z.string().optional(), name: z.string().optional() }).optional(),
  locale: z.string().optional(),
});
export type PaymentSessionRequest = z.input<typeof paymentSessionRequestSchema>;

/** Passed whole, unchanged, to `loadCheckoutWebComponents({ paymentSession })`; never logged. */
export const paymentSessionResponseSchema = z.looseObject({
  id: paymentSessionIdSchema,
  payment_session_secret: z.string(),
  payment_session_token: z.string(),
  _links: z.looseObject({ self: linkSchema }),
});
export type PaymentSessionResponse = z.infer<typeof paymentSessionResponseSchema>;
