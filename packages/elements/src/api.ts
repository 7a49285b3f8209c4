import type { ConfirmApproved, ConfirmDeclined, ConfirmRequiresAction } from "@handoff/contracts";
import type { PaymentInitiatedResult, Session } from "./types.js";

/** A confirm answer, whoever produced it (our POST or the merchant's `onPaymentInitiated`). */
export type Outcome =
  | { kind: "approved"; body: ConfirmApproved }
  | { kind: "declined"; body: ConfirmDeclined }
  | { kind: "requires_action"; body: ConfirmRequiresAction }
  | { kind: "token"; code: string }
  | { kind: "error"; code: string; retryable: boolean; message?: string };

const TOKEN_ERRORS = new Set(["TOKEN_EXPIRED", "TOKEN_USED", "TOKEN_INVALID"]);

export function toOutcome(body: PaymentInitiatedResult | undefined, httpStatus?: number): Outcome {
  if (body && "status" in body) {
    if (body.status === "approved") return { kind: "approved", body };
    if (body.status === "declined") return { kind: "declined", body };
    if (body.status === "requires_action") return { kind: "requires_action", body };
  }
  const error = body && "error" in body ? body : undefined;
  if (error && TOKEN_ERRORS.has(error.error)) return { kind: "token", code: error.error };
  const code = error?.error ?? (httpStatus ? `HTTP_${httpStatus}` : "INVALID_ANSWER");
  const retryable = error?.retryable ?? (httpStatus === undefined || httpStatus >= 500 || httpStatus === 409);
  return { kind: "error", code, retryable, ...(error?.message ? { message: error.message } : {}) };
}

async function postJson(
  url: string,
  body: unknown,
  locale: string,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    // The server writes decline messages in this language.
    headers: { "content-type": "application/json", accept: "application/json", "accept-language": locale },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

export class RequestError extends Error {
  constructor(
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(code);
  }
}

export async function fetchSession(url: string, cartId: string, locale: string): Promise<Session> {
  let answer: { status: number; json: unknown };
  try {
    answer = await postJson(url, { cartId }, locale);
  } catch {
    throw new RequestError("NETWORK_ERROR", true);
  }
  if (answer.status !== 200) {
    const code = (answer.json as { error?: string } | undefined)?.error ?? `HTTP_${answer.status}`;
    throw new RequestError(code, answer.status >= 500);
  }
  return answer.json as Session;
}

export async function postConfirm(
  url: string,
  cartId: string,
  processorToken: string,
  locale: string,
): Promise<Outcome> {
  try {
    const { status, json } = await postJson(url, { cartId, processorToken }, locale);
    return toOutcome(json as PaymentInitiatedResult, status);
  } catch {
    return { kind: "error", code: "NETWORK_ERROR", retryable: true };
  }
}
