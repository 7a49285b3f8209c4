import type {
  CheckoutBilling,
  CheckoutCustomer,
  ConfirmApproved,
  ConfirmDeclined,
  ConfirmRequiresAction,
  ErrorResponse,
} from "@handoff/contracts";
import type { PaymentInitiatedDetail, PaymentInitiatedResult, Session, WidgetErrorCode } from "./types.js";

/** What an error answer may carry for its screen: the paid order's page, the lines that sold out. */
export type ErrorBody = Pick<ErrorResponse, "orderUrl" | "lines">;

/** A confirm answer, whoever produced it (our POST or the merchant's `onPaymentInitiated`). */
export type Outcome =
  | { kind: "approved"; body: ConfirmApproved }
  | { kind: "declined"; body: ConfirmDeclined }
  | { kind: "requires_action"; body: ConfirmRequiresAction }
  | { kind: "token"; code: WidgetErrorCode }
  | {
      kind: "error";
      code: WidgetErrorCode;
      retryable: boolean;
      message?: string | undefined;
      body?: ErrorBody | undefined;
    };

const TOKEN_ERRORS = new Set<WidgetErrorCode>(["TOKEN_EXPIRED", "TOKEN_USED", "TOKEN_INVALID"]);

export function toOutcome(body: PaymentInitiatedResult | undefined, httpStatus?: number): Outcome {
  const status = body && "status" in body ? body.status : undefined;
  if (status === "approved" || status === "declined" || status === "requires_action")
    return { kind: status, body } as Outcome;
  const error = body && "error" in body ? body : undefined;
  // The server's codes are the contract's union; a merchant's own confirm code may say anything.
  const answered = error?.error as WidgetErrorCode | undefined;
  if (answered && TOKEN_ERRORS.has(answered)) return { kind: "token", code: answered };
  return {
    kind: "error",
    code: answered ?? (httpStatus ? `HTTP_${httpStatus}` : "INVALID_ANSWER"),
    retryable: error?.retryable ?? (httpStatus === undefined || httpStatus >= 500 || httpStatus === 409),
    message: error?.message,
    // The screen reads orderUrl and lines from it.
    body: error as ErrorBody | undefined,
  };
}

async function postJson(
  url: string,
  body: unknown,
  locale: string,
  signal?: AbortSignal,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    signal: signal ?? null,
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
    readonly code: WidgetErrorCode,
    readonly retryable: boolean,
    readonly body?: ErrorBody,
  ) {
    super(code);
  }
}

export async function fetchSession(
  url: string,
  request: { cartId: string; customer?: CheckoutCustomer | undefined; billing?: CheckoutBilling | undefined },
  locale: string,
): Promise<Session> {
  let answer: { status: number; json: unknown };
  try {
    answer = await postJson(url, request, locale);
  } catch {
    throw new RequestError("NETWORK_ERROR", true);
  }
  if (answer.status !== 200) {
    const json = answer.json as (ErrorBody & { error?: WidgetErrorCode }) | undefined;
    throw new RequestError(json?.error ?? `HTTP_${answer.status}`, answer.status >= 500, json);
  }
  return answer.json as Session;
}

/** POSTs the token with the amount the shopper was shown, so the server charges that or nothing. */
export async function postConfirm(
  url: string,
  token: PaymentInitiatedDetail,
  locale: string,
  timeoutMs: number,
): Promise<Outcome> {
  const { cartId, processorToken, amount, currency, deviceSessionId } = token;
  try {
    const { status, json } = await postJson(
      url,
      { cartId, processorToken, amount, currency, deviceSessionId },
      locale,
      AbortSignal.timeout(timeoutMs),
    );
    return toOutcome(json as PaymentInitiatedResult, status);
  } catch (error) {
    const timedOut = (error as { name?: string }).name === "TimeoutError";
    return { kind: "error", code: timedOut ? "TIMEOUT" : "NETWORK_ERROR", retryable: true };
  }
}
