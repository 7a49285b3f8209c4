import type {
  CheckoutBilling,
  CheckoutCustomer,
  ConfirmApproved,
  ConfirmDeclined,
  ConfirmRequiresAction,
  ConfirmResponse,
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
  card: { scheme?: string; last4?: string; bin?: string };
}

export interface HandoffOptions {
  checkoutMode?: string;
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

export interface ErrorDetail {
  code: string;
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
