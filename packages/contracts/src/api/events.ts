/**
 * The events Handoff sends to a merchant's other systems (destinations) and to in-process hooks.
 * Each is written in the same transaction as the change that causes it (the outbox), then
 * delivered per the Standard Webhooks specification with this envelope:
 * `{ "type": "order.paid", "timestamp": "<ISO-8601>", "data": { … } }`.
 */
export const ORDER_EVENT_TYPES = [
  /** The payment was approved: fulfil (unless review is required, which announces itself instead). */
  "order.paid",
  /** The payment was declined; `decline` says why, in a category a recovery flow can act on. */
  "order.declined",
  /** Approved but flagged by Checkout.com's risk engine: hold fulfilment until released. */
  "order.review_required",
  /** An operator ended the risk review; `status` is the payment's live status. */
  "order.released",
  /** The money was captured. */
  "order.captured",
  /** A refund went through, in part or in full; `refund` has the amounts. */
  "order.refunded",
  /** The authorization was voided: nothing will be charged. */
  "order.voided",
  /** The shopper left 3-D Secure unfinished: the order is open again and its stock released. */
  "order.expired",
] as const;

export const HANDOFF_DISPUTE_EVENT_TYPES = ["dispute.opened", "dispute.updated"] as const;

export const SETTLEMENT_EVENT_TYPES = [
  /** Every line of the order is in a payout and its gross is what was captured less refunded; once per payout. */
  "order.settled",
  /**
   * A payout's lines and what Checkout.com says it paid are both in: its totals, whether they add up, and
   * how many of its lines need a person (mismatches, orphans…).
   */
  "payout.reconciled",
] as const;

export type OrderEventName = (typeof ORDER_EVENT_TYPES)[number];
export type DisputeEventName = (typeof HANDOFF_DISPUTE_EVENT_TYPES)[number];
export type SettlementEventName = (typeof SETTLEMENT_EVENT_TYPES)[number];
/** Checkout.com's own verified events, forwarded as stored: `checkout.payment_captured`… */
export type CheckoutEventName = `checkout.${string}`;
export type HandoffEventName = OrderEventName | DisputeEventName | SettlementEventName | CheckoutEventName;

export const HANDOFF_EVENT_TYPES: readonly string[] = [
  ...ORDER_EVENT_TYPES,
  ...HANDOFF_DISPUTE_EVENT_TYPES,
  ...SETTLEMENT_EVENT_TYPES,
];

/** Why a payment was declined, for routing: retry later (soft), another card (hard, insufficient funds), or fraud (risk). */
export type DeclineCategory = "soft" | "hard" | "insufficient_funds" | "risk";

export interface OrderEventData {
  orderId: string;
  /** The reference sent to Checkout.com (the order id). */
  reference: string;
  /** The order's amount in minor units of `currency`. */
  amount: number;
  currency: string;
  paymentId?: string;
  /** The order's status after this event. */
  status: string;
  /** When it happened (ISO-8601). */
  occurredAt: string;
  decline?: { category: DeclineCategory; responseCode: string };
  /** Refunded now and in total so far, in minor units; `full` once nothing is left to refund. */
  refund?: { amount?: number; refundedTotal?: number; full: boolean };
}

export interface DisputeEventData {
  orderId: string;
  reference: string;
  paymentId?: string;
  disputeId: string;
  /** Checkout.com's event type: dispute_received, dispute_won, dispute_lost… */
  checkoutType: string;
  reason?: string;
  amount?: number;
  currency?: string;
  evidenceDeadline?: string;
  /** Set once decided: won, lost, accepted, canceled… */
  outcome?: string;
  /** The order's status (a dispute does not change it). */
  status: string;
  occurredAt: string;
}

/**
 * Settlement amounts are exact decimal strings in major units of `currency` (the holding currency,
 * what the merchant is paid in), as Checkout.com reports them: "12.50", fees negative ("-0.3125").
 */
export interface OrderSettledEventData {
  orderId: string;
  reference: string;
  paymentId?: string;
  currency: string;
  gross: string;
  fees: string;
  net: string;
  payoutId: string;
  occurredAt: string;
}

export interface PayoutReconciledEventData {
  payoutId: string;
  currency: string;
  /** The payout's date (YYYY-MM-DD), when known. */
  date?: string;
  gross: string;
  fees: string;
  net: string;
  /** What Checkout.com says it paid out (its Payouts report); `addsUp` compares it with `net`. */
  amount: string;
  addsUp: boolean;
  lines: number;
  orders: number;
  /** Lines and orders that need a person: mismatches, lines for no order, fee-only adjustments. */
  exceptions: number;
  occurredAt: string;
}

interface Envelope<Type extends HandoffEventName, Data> {
  /** Stable across retries and replays: the Standard Webhooks `webhook-id`. */
  id: string;
  type: Type;
  timestamp: string;
  data: Data;
}

/**
 * One event as sent: checking `type` narrows `data` (an `order.*` event carries `OrderEventData`, a
 * `dispute.*` one `DisputeEventData`, `order.settled` and `payout.reconciled` their settlement
 * figures, a forwarded `checkout.*` one Checkout.com's own payload).
 */
export type HandoffEvent =
  | Envelope<OrderEventName, OrderEventData>
  | Envelope<DisputeEventName, DisputeEventData>
  | Envelope<"order.settled", OrderSettledEventData>
  | Envelope<"payout.reconciled", PayoutReconciledEventData>
  | Envelope<CheckoutEventName, Record<string, unknown>>;
