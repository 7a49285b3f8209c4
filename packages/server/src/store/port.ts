import type { OrderStatus } from "@handoff/contracts";
import type { SqlStatement } from "../db/sql-client.js";
import type {
  Attempt,
  AttemptStatus,
  Order,
  OrderLine,
  StoredResult,
  TimelineEntry,
} from "../orders/model.js";

export interface TimelineEvent {
  kind: string;
  detail: Record<string, unknown>;
}

export interface AttemptPatch {
  status?: AttemptStatus;
  paymentId?: string;
  responseCode?: string;
  riskFlagged?: boolean;
  redirectUrl?: string;
  result?: StoredResult;
  abandonedAt?: string;
  reviewReleasedAt?: string;
}

/**
 * Orders, their payment attempts and their timeline. Every change to an attempt is written
 * together with the order's status and the timeline entries that explain it, in one transaction.
 */
export interface OrderStore {
  createOrder(order: Order): Promise<void>;
  getOrder(id: string): Promise<Order | undefined>;
  findOrderByCart(cartId: string): Promise<Order | undefined>;
  /** Re-prices a draft order and records who pays (a new session, before any charge). */
  updateOrderDraft(
    id: string,
    draft: Pick<Order, "amount" | "currency" | "lines" | "customer" | "billing">,
  ): Promise<void>;
  listOrders(filter: { status?: OrderStatus; limit: number }): Promise<Order[]>;

  /**
   * Inserts a `processing` attempt with its timeline entries and `also` (stock held in the same
   * database) in one transaction. `order_busy`: another attempt of the order is still open;
   * `out_of_stock`: `also` hit the stock CHECK, so nothing was written.
   */
  openAttempt(
    attempt: Attempt,
    events: TimelineEvent[],
    also?: SqlStatement[],
  ): Promise<"opened" | "order_busy" | "token_taken" | "out_of_stock">;
  /** Changes an attempt, its order's status, the timeline and `also`, in one transaction. */
  updateAttempt(
    attempt: Attempt,
    patch: AttemptPatch,
    order: { status: OrderStatus; riskFlagged?: boolean } | undefined,
    events: TimelineEvent[],
    also?: SqlStatement[],
  ): Promise<Attempt>;
  attemptById(id: string): Promise<Attempt | undefined>;
  attemptByToken(token: string): Promise<Attempt | undefined>;
  attemptByPaymentId(paymentId: string): Promise<Attempt | undefined>;
  attemptsOfOrder(orderId: string): Promise<Attempt[]>;
  /** Attempts left in one of `statuses` since before `olderThan` (reconciliation). */
  staleAttempts(statuses: AttemptStatus[], olderThan: string): Promise<Attempt[]>;

  appendEvent(orderId: string, event: TimelineEvent): Promise<void>;
  timeline(orderId: string): Promise<TimelineEntry[]>;
}
