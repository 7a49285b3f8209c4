import { z } from "zod";

export * from "./money.js";

export const currencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 code such as GBP");
export type CurrencyCode = z.infer<typeof currencyCodeSchema>;

/** Minor-unit amount: a non-negative safe integer. */
export const minorAmountSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
