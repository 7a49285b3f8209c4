import type { Answer, ErrorBody, Settled } from "./api.js";
import type { WidgetErrorCode } from "./types.js";

/** A confirm answer as the error screens and the recheck policy read it. */
export type Outcome =
  | Settled
  | { kind: "token"; code: WidgetErrorCode }
  | {
      kind: "error";
      code: WidgetErrorCode;
      retryable: boolean;
      message?: string | undefined;
      body?: ErrorBody | undefined;
    };

const TOKEN_ERRORS = new Set<WidgetErrorCode>(["TOKEN_EXPIRED", "TOKEN_USED", "TOKEN_INVALID"]);

/**
 * What an answer that does not settle the payment means: an unusable card token, or an error with
 * its code and whether trying again can help. With the error screens: handoff.js has no use for it.
 */
export function toOutcome(answer: Answer): Outcome {
  if (answer.kind !== "other") return answer;
  const { body, status, failed } = answer;
  if (failed) return { kind: "error", code: failed, retryable: true };
  const error = body && typeof body === "object" && "error" in body ? body : undefined;
  // The server's codes are the contract's union; a merchant's own confirm code may say anything.
  const answered = error?.error as WidgetErrorCode | undefined;
  if (answered && TOKEN_ERRORS.has(answered)) return { kind: "token", code: answered };
  return {
    kind: "error",
    code: answered ?? (status ? `HTTP_${status}` : "INVALID_ANSWER"),
    retryable: error?.retryable ?? (status === undefined || status >= 500 || status === 409),
    message: error?.message,
    // The screen reads orderUrl and lines from it.
    body: error as ErrorBody | undefined,
  };
}
