import type { ConfirmApproved, ConfirmDeclined, ConfirmRequiresAction } from "@handoff/contracts";
import type { ErrorBody, Outcome } from "./api.js";
import { en, type Strings } from "./strings.js";
import type {
  CheckoutEvent,
  ErrorDetail,
  PaymentInitiatedDetail,
  PaymentMethod,
  WidgetErrorCode,
} from "./types.js";

/** A message the view names by key, so a language pack loaded later re-renders it. */
export type Key = keyof Strings;

/** An event's error detail: the code, and the English text the shopper was shown, for the developer. */
export const detail = (code: WidgetErrorCode, key: Key, retryable: boolean): ErrorDetail => ({
  code,
  message: en[key],
  retryable,
});

/** What Try again does: ask for a new session, tokenize again, or confirm the same token again. */
export type Retry =
  | { kind: "session" }
  | { kind: "tokenize" }
  | { kind: "confirm"; token: PaymentInitiatedDetail };

/** What the shopper sees: one value, rendered by one switch. */
export type View =
  | { kind: "idle" }
  | { kind: "loading" }
  /** `notice`: why the form is back (a failed 3-D Secure, an incomplete card, an unusable token). */
  | { kind: "ready"; notice?: { key?: Key; text?: string; error?: ErrorDetail } }
  | { kind: "paying"; method: PaymentMethod; checking: boolean }
  | { kind: "approved"; body: ConfirmApproved }
  | { kind: "declined"; body: ConfirmDeclined }
  | { kind: "redirecting"; body: ConfirmRequiresAction }
  | { kind: "failed"; error: ErrorDetail; key: Key; retry?: Retry }
  /** The answer ends this checkout (already paid, sold out): say why, link where to go instead. */
  | { kind: "blocked"; error: ErrorDetail; key: Key; items?: string; link?: { href: string; key: Key } };

const TEXT: Partial<Record<WidgetErrorCode, Key>> = {
  NETWORK_ERROR: "networkError",
  TIMEOUT: "networkError",
  PROCESSOR_UNAVAILABLE: "unavailable",
  ATTEMPT_IN_PROGRESS: "stillChecking",
  RATE_LIMITED: "rateLimited",
  CART_CHANGED: "cartChanged",
};

/**
 * An error answer's screen. ORDER_COMPLETED and OUT_OF_STOCK end the checkout; anything else is a
 * failure with Try again when trying again can help.
 */
export function errorView(
  error: {
    code: WidgetErrorCode;
    retryable: boolean;
    message?: string | undefined;
    body?: ErrorBody | undefined;
  },
  fallback: Key,
  retry: Retry,
  cartUrl: string,
): View {
  const { code, body } = error;
  if (code === "ORDER_COMPLETED") {
    const href = body?.orderUrl;
    return {
      kind: "blocked",
      error: detail(code, "alreadyPaid", false),
      key: "alreadyPaid",
      ...(href ? { link: { href, key: "viewOrder" } } : {}),
    };
  }
  if (code === "OUT_OF_STOCK") {
    const items = (body?.lines ?? []).map((l) => l.name ?? l.sku).join(", ");
    return {
      kind: "blocked",
      error: detail(code, "outOfStock", false),
      key: items ? "soldOut" : "outOfStock",
      items,
      ...(cartUrl ? { link: { href: cartUrl, key: "editCart" } } : {}),
    };
  }
  const key = TEXT[code] ?? fallback;
  const failure = detail(code, key, error.retryable);
  return {
    kind: "failed",
    error: error.message ? { ...failure, message: error.message } : failure,
    key,
    ...(error.retryable ? { retry } : {}),
  };
}

/** A confirm answer's screen; `undefined` for CART_CHANGED, which reloads the session instead. */
export function outcomeView(
  outcome: Outcome,
  token: PaymentInitiatedDetail,
  cartUrl: string,
): View | undefined {
  switch (outcome.kind) {
    case "approved":
      return { kind: "approved", body: outcome.body };
    case "declined":
      return { kind: "declined", body: outcome.body };
    case "requires_action":
      return { kind: "redirecting", body: outcome.body };
    case "token":
      return {
        kind: "ready",
        notice: { key: "enterCardAgain", error: detail(outcome.code, "enterCardAgain", true) },
      };
    case "error":
      if (outcome.code === "CART_CHANGED") return undefined;
      // Retrying a confirm with the same token is safe: the server answers it idempotently.
      return errorView(outcome, "genericError", { kind: "confirm", token }, cartUrl);
  }
}

/** The event a transition into `to` emits, if any: events come from transitions, nowhere else. */
export function eventFor(from: View, to: View, ready: CheckoutEvent | undefined): CheckoutEvent | undefined {
  switch (to.kind) {
    case "approved":
      return { type: "handoff-success", detail: to.body };
    case "declined":
      return { type: "handoff-decline", detail: to.body };
    case "redirecting":
      return { type: "handoff-requires-action", detail: to.body };
    case "failed":
    case "blocked":
      return { type: "handoff-error", detail: to.error };
    case "ready":
      if (to.notice?.error) return { type: "handoff-error", detail: to.notice.error };
      return from.kind === "loading" ? ready : undefined;
    default:
      return undefined;
  }
}
