import type { ConfirmApproved, ConfirmDeclined, ConfirmRequiresAction } from "@handoff/contracts";
import type { Answer } from "./api.js";
import type { Outcome } from "./outcome.js";
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

/**
 * The screen of a confirm answer that settles the payment (approved, declined, 3-D Secure);
 * anything else is an error screen, from `errors.ts`.
 */
export function answerView(answer: Answer | Outcome): View | undefined {
  switch (answer.kind) {
    case "approved":
      return { kind: "approved", body: answer.body };
    case "declined":
      return { kind: "declined", body: answer.body };
    case "requires_action":
      return { kind: "redirecting", body: answer.body };
    default:
      return undefined;
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
