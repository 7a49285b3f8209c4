import type { CheckoutError, CheckoutLoaderError } from "@checkout.com/checkout-web-components";
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

export interface PaymentInitiatedDetail {
  processorToken: string;
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
  /** Checkout.com design tokens (colorAction, colorBorder, borderRadius…), passed to the card fields. */
  appearance?: Record<string, unknown>;
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
