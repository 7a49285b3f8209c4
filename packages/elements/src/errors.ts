import type { ErrorBody, Unsettled } from "./api.js";
import type { Outcome } from "./outcome.js";
import { en, type Strings } from "./strings.js";
import type { CheckoutMode, PaymentInitiatedDetail, WidgetErrorCode } from "./types.js";
import { TAG, VERSION } from "./version.js";
import { warnOnce } from "./warn.js";

export { pay } from "./pay.js";

import { answerView, detail, type Key, type Retry, type View } from "./view.js";

/**
 * The error screens: what the widget says when something went wrong, in English (a language pack
 * carries its own), and the patience for a confirm answer that is not one yet (`pay`: a fresh card
 * token once, rechecks of an unanswered confirm). Most shoppers never reach one, so handoff.js does not carry them: the widget
 * loads this part the first time it needs one (`handoff.errors.js` beside handoff.js, or a dynamic
 * import from the npm package), and says "couldn't reach the payment service" if even that fails.
 */
export const rare = {
  enterCardAgain: "Please enter your card details again.",
  outOfStock: "Sorry, something in your cart just sold out.",
  soldOut: "Sorry, not enough left of: {items}. Change your cart to continue.",
  editCart: "Edit your cart",
  alreadyPaid: "This order is already paid. Nothing more to pay.",
  viewOrder: "View your order",
  stillChecking: "Still confirming your payment with the bank. Please don't pay again.",
  rateLimited: "Too many payment attempts. Please wait a few minutes, then try again.",
  cartChanged: "Your cart changed. Please review it before paying.",
  unavailable: "Payments are not available right now. Please try again in a moment.",
  misconfigured: "Card payments are not set up correctly on this site. Please contact the shop.",
  genericError: "Something went wrong. Please try again.",
} satisfies Partial<Strings>;

// English is complete from here on: the events' messages and the screens read it.
Object.assign(en, rare);

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
    body?: import("./api.js").ErrorBody | undefined;
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

/** The screen of a session request that gave no session: trying again asks for a new one. */
export function sessionView(answer: Unsettled, cartUrl: string): View {
  const body = answer.body as (ErrorBody & { error?: WidgetErrorCode }) | undefined;
  const { status, failed } = answer;
  const code = failed ?? body?.error ?? `HTTP_${status ?? 0}`;
  // No answer, or the server's trouble: worth another try. A refusal (no such cart) is not.
  const retryable = status === undefined || status >= 500;
  return errorView({ code, retryable, body }, "unavailable", { kind: "session" }, cartUrl);
}

/** A confirm answer's screen; `undefined` for CART_CHANGED, which reloads the session instead. */
export function outcomeView(
  outcome: Outcome,
  token: PaymentInitiatedDetail,
  cartUrl: string,
): View | undefined {
  switch (outcome.kind) {
    case "token":
      return {
        kind: "ready",
        notice: { key: "enterCardAgain", error: detail(outcome.code, "enterCardAgain", true) },
      };
    case "error":
      if (outcome.code === "CART_CHANGED") return undefined;
      // Retrying a confirm with the same token is safe: the server answers it idempotently.
      return errorView(outcome, "genericError", { kind: "confirm", token }, cartUrl);
    default:
      return answerView(outcome);
  }
}

/** A checkout mode this version does not have: a setup mistake, told to the developer and the shopper. */
export function unsupportedMode(mode: string, supported: CheckoutMode): View {
  const message = `checkout-mode "${mode}" is not supported; use "${supported}".`;
  console.error(`<handoff-checkout>: ${message}`);
  return {
    kind: "failed",
    error: { code: "unsupported_checkout_mode", message, retryable: false },
    key: "misconfigured",
  };
}

/** Another version registered `<handoff-checkout>` first: this copy is not used, which the developer should know. */
export function versionMismatch(registered: string | undefined): void {
  warnOnce(
    "version-mismatch",
    `<${TAG}> ${registered ?? "(unknown version)"} is already registered; Handoff ${VERSION} is not used. Load Handoff once per page.`,
  );
}
