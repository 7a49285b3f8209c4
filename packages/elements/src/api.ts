import type {
  CheckoutBilling,
  CheckoutCustomer,
  ConfirmApproved,
  ConfirmDeclined,
  ConfirmRequiresAction,
  ErrorResponse,
} from "@handoff/contracts";
import type { PaymentInitiatedDetail, PaymentInitiatedResult, Session } from "./types.js";

/** What an error answer may carry for its screen: the paid order's page, the lines that sold out. */
export type ErrorBody = Pick<ErrorResponse, "orderUrl" | "lines">;

/** A confirm answer that settles the payment: the widget shows it at once. */
export type Settled =
  | { kind: "approved"; body: ConfirmApproved }
  | { kind: "declined"; body: ConfirmDeclined }
  | { kind: "requires_action"; body: ConfirmRequiresAction };

/**
 * A confirm answer, whoever produced it (our POST or the merchant's `onPaymentInitiated`): one that
 * settles the payment, or anything else as it came, which the error screens read (`outcome.ts`).
 * `failed`: no answer at all.
 */
export type Answer = Settled | Unsettled;
export type Unsettled = {
  kind: "other";
  body?: PaymentInitiatedResult | undefined;
  status?: number;
  failed?: "TIMEOUT" | "NETWORK_ERROR" | "MERCHANT_CONFIRM_FAILED";
};

export function toAnswer(body: PaymentInitiatedResult | undefined, status?: number): Answer {
  // Optional chaining, not `in`: a merchant's callback may answer a string, or nothing.
  const settled = (body as { status?: unknown } | undefined)?.status;
  if (settled === "approved" || settled === "declined" || settled === "requires_action")
    return { kind: settled, body } as Settled;
  return { kind: "other", body, ...(status === undefined ? {} : { status }) };
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

/** The session request gave no session: its answer, which the error screens read (`sessionView`). */
export class RequestError extends Error {
  constructor(readonly answer: Unsettled) {
    super("no session");
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
    throw new RequestError({ kind: "other", failed: "NETWORK_ERROR" });
  }
  if (answer.status !== 200)
    throw new RequestError({
      kind: "other",
      body: answer.json as PaymentInitiatedResult,
      status: answer.status,
    });
  return answer.json as Session;
}

/** POSTs the token with the amount the shopper was shown, so the server charges that or nothing. */
export async function postConfirm(
  url: string,
  token: PaymentInitiatedDetail,
  locale: string,
  timeoutMs: number,
): Promise<Answer> {
  const { cartId, processorToken, amount, currency, deviceSessionId } = token;
  try {
    const { status, json } = await postJson(
      url,
      { cartId, processorToken, amount, currency, deviceSessionId },
      locale,
      AbortSignal.timeout(timeoutMs),
    );
    return toAnswer(json as PaymentInitiatedResult, status);
  } catch (error) {
    const timedOut = (error as { name?: string }).name === "TimeoutError";
    return { kind: "other", failed: timedOut ? "TIMEOUT" : "NETWORK_ERROR" };
  }
}
