import type { HandoffEvent, OrderStatus } from "@handoff/contracts";
import type { TransactionHandle } from "../db/sql-client.js";
import type { OrderChange } from "../orders/events.js";
import type { Attempt, AttemptStatus, Order, StoredResult, TimelineEntry } from "../orders/model.js";

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
  cardLast4?: string;
  cardScheme?: string;
  cardWallet?: string;
}

export interface RefundRecord {
  key: string;
  orderId: string;
  paymentId: string;
  amount: number;
}

/** The attempts and the timeline, as read and written inside one transaction. */
interface AttemptReads {
  attemptById(id: string): Promise<Attempt | undefined>;
  attemptsOfOrder(orderId: string): Promise<Attempt[]>;
}

/**
 * One open transaction of the order store. A use case runs its steps here, and they commit
 * together or not at all: the attempt, the order's status, the timeline, and (through `sql`, for
 * an inventory in the same database) the stock.
 */
export interface OrderTransaction extends AttemptReads {
  /** The transaction, opaque, for an inventory whose stock lives in the same database. */
  readonly handle: TransactionHandle;
  /**
   * Holds the order until the transaction ends, against every writer in this process or any other
   * instance (a row lock on PostgreSQL; SQLite's write transactions already run one at a time).
   */
  lockOrder(orderId: string): Promise<void>;
  /** Inserts a `processing` attempt. `order_busy`: another attempt of the order is still open. */
  insertAttempt(attempt: Attempt): Promise<"opened" | "order_busy" | "token_taken">;
  /** Changes an attempt and, when given, its order's status. */
  updateAttempt(
    attempt: Attempt,
    patch: AttemptPatch,
    order: { status: OrderStatus; riskFlagged?: boolean } | undefined,
  ): Promise<Attempt>;
  appendEvents(orderId: string, events: TimelineEvent[]): Promise<void>;
  orderById(id: string): Promise<Order | undefined>;
  /** Re-prices an order and records who pays; the caller has checked no payment of it is open. */
  updateOrderDraft(
    id: string,
    draft: Pick<Order, "amount" | "currency" | "lines" | "customer" | "billing">,
  ): Promise<void>;
  /**
   * Records one refund of a payment, once per key (Checkout.com's action id). `recorded` is false
   * when the key was seen before; `total` is everything refunded on the payment so far.
   */
  recordRefund(refund: RefundRecord): Promise<{ recorded: boolean; total: number }>;
  /** An event for the merchant's other systems and hooks, committed with this transaction (the outbox). */
  appendOutbox(event: HandoffEvent, orderId?: string): Promise<void>;
  /** What settling produced, as catalogue events in the outbox, committed with this transaction. */
  appendOrderChanges(changes: OrderChange[]): Promise<void>;
}

/** How many matches a search counts before it says "more than": the ops list reads "More than 1,000 orders". */
export const ORDER_COUNT_LIMIT = 1_000;

export interface OrderSearchPage {
  orders: Order[];
  /** Matches counted, at most the search's `countUpTo`; -1 when the search asked for no count. */
  total: number;
  /** There are more matches than `total`. */
  totalCapped?: boolean;
  /** Cursor of the next page, when there is one. */
  next?: string;
}

export interface OrderSearch {
  query?: string;
  status?: OrderStatus;
  currency?: string;
  /** ISO times: created at or after `from`, before `to`. */
  from?: string;
  to?: string;
  /** Only orders held for review (or only not). */
  review?: boolean;
  /** Only orders with a dispute attached. */
  disputed?: boolean;
  /** Only this customer's orders (email, any case). */
  email?: string;
  /**
   * Checkouts never paid: pending, no payment attempt, untouched since before `before`. `only`
   * lists just those, `exclude` leaves them out (the orders list), absent ignores the notion.
   */
  abandoned?: { before: string; mode: "only" | "exclude" };
  /** Skip counting the matches (`total` is then -1): an export walking every page needs no count. */
  uncounted?: boolean;
  /**
   * Count at most this many matches (default ORDER_COUNT_LIMIT): past it, `total` is the limit and
   * `totalCapped` is true. Counting a year of orders exactly would read every row on each page view.
   */
  countUpTo?: number;
  /** Cursor: `next` from the previous page. */
  before?: string;
  limit: number;
}

/** Which stale attempts the sweep claims, and until when. */
export interface StaleClaim {
  statuses: AttemptStatus[];
  olderThan: string;
  now: string;
  until: string;
  limit: number;
  /** Only attempts whose 3-D Secure the shopper abandoned. */
  abandoned?: boolean;
}

/** Orders, their payment attempts and their timeline. */
export interface OrderStore extends AttemptReads {
  /**
   * Runs `work` in one transaction. Everything it reads or writes goes through `tx`; a throw rolls
   * all of it back. Keep it short: no calls to Checkout.com inside.
   */
  transaction<T>(work: (tx: OrderTransaction) => Promise<T>): Promise<T>;

  createOrder(order: Order): Promise<void>;
  getOrder(id: string): Promise<Order | undefined>;
  findOrderByCart(cartId: string): Promise<Order | undefined>;
  listOrders(filter: { status?: OrderStatus; limit: number }): Promise<Order[]>;
  /**
   * Operators' search: filters, and `query` matched exactly against order id, cart id, payment id,
   * token, customer email or a card's last four. Newest first; `before` is the cursor (the last
   * order of the previous page).
   */
  searchOrders(filter: OrderSearch): Promise<OrderSearchPage>;

  attemptByToken(token: string): Promise<Attempt | undefined>;
  attemptByPaymentId(paymentId: string): Promise<Attempt | undefined>;
  /** Attempts left in one of `statuses` since before `olderThan`, oldest first (for people to look at). */
  staleAttempts(statuses: AttemptStatus[], olderThan: string, limit?: number): Promise<Attempt[]>;
  /**
   * Claims attempts left in one of `statuses` since before `olderThan`, for the reconciliation
   * sweep: an attempt claimed by one instance is skipped by the others until `until`, so each is
   * looked up once however many instances sweep.
   */
  claimStaleAttempts(claim: StaleClaim): Promise<Attempt[]>;
  /** Lets go of claims once the sweep has looked, so its next pass may look again. */
  releaseStaleClaims(ids: string[]): Promise<void>;

  appendEvent(orderId: string, event: TimelineEvent): Promise<void>;
  /** The order's whole timeline, oldest first. People read it a page at a time: `timelinePage` (ops-reads). */
  timeline(orderId: string): Promise<TimelineEntry[]>;
}
