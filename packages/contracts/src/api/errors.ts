import { z } from "zod";

/**
 * Every error Handoff answers with: a stable code (what programs branch on) and its HTTP status.
 * Messages are for developers and shoppers and may change; codes never do.
 */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  CART_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  DISPUTE_NOT_FOUND: 404,
  CART_EMPTY: 409,
  CART_CHANGED: 409,
  ORDER_COMPLETED: 409,
  OUT_OF_STOCK: 409,
  ATTEMPT_IN_PROGRESS: 409,
  ACTION_NOT_ALLOWED: 409,
  /** An `Idempotency-Key` sent again with another request (another amount or action): never replayed as this one. */
  IDEMPOTENCY_KEY_REUSED: 409,
  /** An amount that is not a positive whole number of minor units (`"1e3"`, `true`, `" 12 "`, `""`). */
  AMOUNT_INVALID: 400,
  /** Too many tries: card testing on a cart, many confirms from one client, repeated failed logins. */
  RATE_LIMITED: 429,
  TOKEN_INVALID: 422,
  TOKEN_EXPIRED: 422,
  TOKEN_USED: 422,
  UNAUTHORIZED: 401,
  SOURCE_AUTH_FAILED: 401,
  SOURCE_METHOD_NOT_ALLOWED: 405,
  /** A checkout route asked with a method it does not take; `Allow` lists those it does. */
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  EVENT_UNPARSABLE: 400,
  /** Checkout.com refused our own request (credentials, configuration): nothing the shopper can fix. */
  PROCESSOR_REJECTED: 502,
  PROCESSOR_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
} as const;

export type HandoffErrorCode = keyof typeof ERROR_STATUS;
export const handoffErrorCodeSchema = z.enum(
  Object.keys(ERROR_STATUS) as [HandoffErrorCode, ...HandoffErrorCode[]],
);

export const issueSchema = z.object({ path: z.string(), message: z.string() });
export type RequestIssue = z.infer<typeof issueSchema>;

export const errorResponseSchema = z.looseObject({
  error: handoffErrorCodeSchema,
  message: z.string(),
  retryable: z.boolean().optional(),
  issues: z.array(issueSchema).optional(),
  /** OUT_OF_STOCK: which lines could not be reserved. */
  lines: z
    .array(
      z.object({
        sku: z.string(),
        name: z.string().optional(),
        requested: z.number().int(),
        available: z.number().int(),
      }),
    )
    .optional(),
  orderId: z.string().optional(),
  /** ORDER_COMPLETED: where the shopper can see the order they already paid for. */
  orderUrl: z.string().optional(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

export function errorStatus(code: HandoffErrorCode): number {
  return ERROR_STATUS[code];
}

/** Flattens zod issues into `{path: "items.0.quantity", message}` pairs a developer can act on. */
export function toRequestIssues(error: z.ZodError): RequestIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}
