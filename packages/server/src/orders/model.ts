import type { CheckoutBilling, CheckoutCustomer, ConfirmResponse, OrderStatus } from "@handoff/contracts";

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitAmount: number;
  amount: number;
}

export interface PricedCart {
  cartId: string;
  currency: string;
  lines: OrderLine[];
  /** Minor units: the sum of the lines, computed here, never received from a browser. */
  total: number;
}

export interface StockShortfall {
  sku: string;
  /** The product's name, so the shopper is told what sold out. */
  name?: string;
  requested: number;
  available: number;
}

export type ReserveResult = { ok: true } | { ok: false; lines: StockShortfall[] };

export interface Order {
  id: string;
  cartId: string;
  /** Minor units, computed on the server from the cart; never from the browser. */
  amount: number;
  currency: string;
  lines: OrderLine[];
  status: OrderStatus;
  riskFlagged: boolean;
  /** Who pays and their billing country, sent to Checkout.com on the session and the payment. */
  customer?: CheckoutCustomer | undefined;
  billing?: CheckoutBilling | undefined;
  createdAt: string;
  updatedAt: string;
}

/**
 * One per token. `processing`: the charge is being made; `unknown`: Checkout.com did not answer,
 * so a charge may exist and reconciliation must find out; `failed`: no payment was made (bad token,
 * out of stock). Anything else is the payment's own status.
 */
export type AttemptStatus = "processing" | "unknown" | "failed" | Exclude<OrderStatus, "pending">;

export interface Attempt {
  id: string;
  orderId: string;
  processorToken: string;
  idempotencyKey: string;
  /** What this attempt charges, in minor units: the order's price when it opened, frozen. */
  amount: number;
  currency: string;
  paymentId?: string | undefined;
  status: AttemptStatus;
  responseCode?: string | undefined;
  riskFlagged: boolean;
  redirectUrl?: string | undefined;
  /** The answer given to the widget, replayed when the same token is confirmed again. */
  result?: StoredResult | undefined;
  /**
   * The shopper left 3-D Secure unfinished and paid another way (or never came back): this attempt
   * no longer speaks for its order, and if its payment is approved anyway it is reversed.
   */
  abandonedAt?: string | undefined;
  /** An operator released the risk review: later risk flags on this payment are not news. */
  reviewReleasedAt?: string | undefined;
  createdAt: string;
  updatedAt: string;
  /** The card charged, as Checkout.com reported it (for operators' search and display). */
  cardLast4?: string | undefined;
  cardScheme?: string | undefined;
  /** The wallet that paid ("applepay", "googlepay"), from the payment's `source.card_wallet_type`. */
  cardWallet?: string | undefined;
}

export interface StoredResult {
  status: number;
  body: ConfirmResponse | Record<string, unknown>;
}

export interface TimelineEntry {
  id: number;
  orderId: string;
  at: string;
  kind: string;
  detail: Record<string, unknown>;
}

/** Statuses in which the shopper has paid: the stock is sold and the order must not be charged again. */
const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  "authorized",
  "needs_review",
  "captured",
  "partially_refunded",
  "refunded",
]);

export function isPaid(status: OrderStatus): boolean {
  return PAID_STATUSES.has(status);
}

/** Ends in which no money was taken: the held stock goes back on the shelf. */
const UNPAID_ENDS: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  "declined",
  "voided",
  "canceled",
  "expired",
]);

export function isUnpaidEnd(status: OrderStatus): boolean {
  return UNPAID_ENDS.has(status);
}

/** The payment's own status, whether or not the attempt still speaks for its order. */
export function paymentStatusOf(attempt: Attempt): OrderStatus {
  const s = attempt.status;
  return s === "processing" || s === "unknown" || s === "failed" ? "pending" : s;
}

/** The order's status follows its latest attempt; attempts that never charged (or were abandoned) leave it pending. */
export function orderStatusOf(attempt: Attempt | undefined): OrderStatus {
  return !attempt || attempt.abandonedAt ? "pending" : paymentStatusOf(attempt);
}

/**
 * Whether the attempt may still take the shopper's money for its order: a charge in flight, an
 * unknown outcome, or a 3-D Secure the shopper may still finish. The order's price is frozen then.
 */
export function mayStillCharge(attempt: Attempt | undefined): boolean {
  return isInFlight(attempt) || (attempt?.status === "requires_action" && !attempt.abandonedAt);
}

/** Whether the attempt has an answer that no later news can turn into "in flight" again. */
export function isInFlight(attempt: Attempt | undefined): boolean {
  return attempt?.status === "processing" || attempt?.status === "unknown";
}
