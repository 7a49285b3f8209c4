import { ERROR_STATUS, type HandoffErrorCode } from "@handoff/contracts";

/** What a use case answers; HTTP adapters only write it out. */
export interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function errorReply(
  code: HandoffErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): ApiReply {
  return { status: ERROR_STATUS[code], body: { error: code, message, ...extra } };
}

/** 429 `RATE_LIMITED`, retryable, with `Retry-After`: the whole seconds until one more try is allowed. */
export function rateLimitedReply(
  message: string,
  retryAfter: number,
  extra: Record<string, unknown> = {},
): ApiReply {
  const reply = errorReply("RATE_LIMITED", message, { retryable: true, retryAfter, ...extra });
  return { ...reply, headers: { "retry-after": String(retryAfter) } };
}
