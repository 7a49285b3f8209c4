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
