import type { ConfirmResponse, OrderStatus } from "@handoff/contracts";

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitAmount: number;
  amount: number;
}

export interface Order {
  id: string;
  cartId: string;
  /** Minor units, computed on the server from the cart; never from the browser. */
  amount: number;
  currency: string;
  lines: OrderLine[];
  status: OrderStatus;
  riskFlagged: boolean;
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
  paymentId?: string | undefined;
  status: AttemptStatus;
  responseCode?: string | undefined;
  riskFlagged: boolean;
  redirectUrl?: string | undefined;
  /** The answer given to the widget, replayed when the same token is confirmed again. */
  result?: StoredResult | undefined;
  createdAt: string;
  updatedAt: string;
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

/** The order's status follows its latest attempt; attempts that never charged leave it pending. */
export function orderStatusOf(attempt: Attempt | undefined): OrderStatus {
  if (!attempt) return "pending";
  const s = attempt.status;
  return s === "processing" || s === "unknown" || s === "failed" ? "pending" : s;
}
