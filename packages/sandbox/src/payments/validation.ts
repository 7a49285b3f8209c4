import type { z } from "zod";

/** Maps a zod issue path on a request to the Checkout.com-style error code a client would see. */
const CODE_BY_FIELD: Record<string, string> = {
  source: "payment_source_required",
  "source.type": "payment_source_type_invalid",
  "source.token": "token_required",
  amount: "amount_invalid",
  currency: "currency_invalid",
  reference: "reference_invalid",
  description: "description_invalid",
  metadata: "metadata_invalid",
  processing_channel_id: "processing_channel_id_invalid",
  success_url: "success_url_invalid",
  failure_url: "failure_url_invalid",
  capture: "capture_invalid",
  payment_type: "payment_type_invalid",
  "3ds": "3ds_invalid",
  customer: "customer_invalid",
  "customer.email": "customer_email_invalid",
  capture_type: "capture_type_invalid",
};

export function errorCodesFor(error: z.ZodError, body: unknown): string[] {
  const codes = new Set<string>();
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  for (const issue of error.issues) {
    const [first, second] = issue.path.map(String);
    if (first === undefined) {
      codes.add("request_json_invalid");
      continue;
    }
    if (record[first] === undefined && (first === "currency" || first === "source")) {
      codes.add(first === "currency" ? "currency_required" : "payment_source_required");
      continue;
    }
    const key = second !== undefined && CODE_BY_FIELD[`${first}.${second}`] ? `${first}.${second}` : first;
    codes.add(CODE_BY_FIELD[key] ?? `${first}_invalid`);
  }
  return [...codes];
}

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));
export function isKnownCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}
