import type {
  CheckoutError,
  CheckoutLoaderError,
  PartialDesignTokens,
} from "@checkout.com/checkout-web-components";
import type {
  CheckoutBilling,
  CheckoutCustomer,
  ConfirmApproved,
  ConfirmDeclined,
  ConfirmRequiresAction,
  ConfirmResponse,
  HandoffErrorCode,
  SessionResponse,
} from "@handoff/contracts";
import type { Strings } from "./strings.js";

export type CheckoutFlow = "InlinePayment" | "Inline" | "Modal";

/** What the merchant's own confirm code returns when it handles the token (`onPaymentInitiated`). */
export type PaymentInitiatedResult =
  | ConfirmResponse
  | { error: string; message?: string; retryable?: boolean };

/** How the shopper paid: the card form, or a wallet through Flow in token mode. */
export type PaymentMethod = "card" | "applepay" | "googlepay";

/** Checkout.com's design tokens (Flow's own type): they theme Flow's fields and the widget alike. */
export type Appearance = PartialDesignTokens;

export interface PaymentInitiatedDetail {
  processorToken: string;
  /** The card form, or the wallet the token came from. */
  method: PaymentMethod;
  cartId: string;
  /** What the shopper was shown on the Pay button; send them with the token so nothing else is charged. */
  amount?: number;
  currency?: string;
  /** Flow's risk fingerprint of this browser, for Checkout.com's risk engine (`risk.device_session_id`). */
  deviceSessionId?: string;
  /** The card's scheme and last four digits, for display; never the number. */
  card: { scheme?: string | undefined; last4?: string | undefined; bin?: string | undefined };
}

/** The only mode: Checkout.com tokenizes, your confirm endpoint charges. */
export type CheckoutMode = "CheckoutDotComToken";

export interface HandoffOptions {
  checkoutMode?: CheckoutMode;
  checkoutFlow?: CheckoutFlow;
  sessionUrl: string;
  confirmUrl?: string;
  cartId: string;
  /** Where the shopper edits their cart; linked when something sold out. */
  cartUrl?: string;
  /** Who pays and their billing country, as your checkout collected them (sent with the session). */
  customer?: CheckoutCustomer;
  billing?: CheckoutBilling;
  /** How long to wait for confirm before asking again with the same token. Default 20 s. */
  confirmTimeoutMs?: number;
  locale?: string;
  /**
   * Checkout.com's design tokens (colorAction, colorPrimary, colorBackground, borderRadius…): the
   * same object themes Flow's fields and the widget's own CSS variables. `darkAppearance` is a preset.
   */
  appearance?: Appearance;
  strings?: Partial<Strings>;
  onPaymentInitiated?: (
    detail: PaymentInitiatedDetail,
  ) => Promise<PaymentInitiatedResult> | PaymentInitiatedResult;
}

/**
 * Every code `handoff-error` can carry: the server's answers (the same union its error bodies use),
 * what the browser itself saw, and Checkout.com's own card-field and loader codes, unchanged.
 */
export type WidgetErrorCode =
  | HandoffErrorCode
  /** The confirm or session request never got an answer. */
  | "NETWORK_ERROR"
  /** Confirm did not answer in `confirmTimeoutMs`, even after asking again. */
  | "TIMEOUT"
  /** An answer that is not Handoff's JSON (a proxy's error page): HTTP_502… */
  | `HTTP_${number}`
  | "INVALID_ANSWER"
  /** Your `onPaymentInitiated` threw. */
  | "MERCHANT_CONFIRM_FAILED"
  | "unsupported_checkout_mode"
  | "invalid_public_key"
  | "tokenize_failed"
  | "component_not_available"
  /** `submit()` was called before the form was ready, or after the checkout ended. */
  | "not_ready"
  | `${CheckoutError["code"]}`
  | `${CheckoutLoaderError["code"]}`;

export interface ErrorDetail {
  code: WidgetErrorCode;
  message: string;
  retryable: boolean;
}

/** Event details, one per event name; callbacks of `mount()` receive the same objects. */
export interface HandoffEventMap {
  "handoff-ready": { amount: number; currency: string };
  "handoff-tokenized": PaymentInitiatedDetail;
  "handoff-success": ConfirmApproved;
  "handoff-decline": ConfirmDeclined;
  "handoff-requires-action": ConfirmRequiresAction;
  "handoff-error": ErrorDetail;
}

export type Session = SessionResponse;

/** One of the element's events as a value: `type` narrows `detail`. */
export type CheckoutEvent = {
  [K in keyof HandoffEventMap]: { type: K; detail: HandoffEventMap[K] };
}[keyof HandoffEventMap];

/** What `submit()` resolves to: how this payment ended, as the event the element emitted for it. */
export type SubmitResult = Extract<
  CheckoutEvent,
  { type: "handoff-success" | "handoff-decline" | "handoff-requires-action" | "handoff-error" }
>;
