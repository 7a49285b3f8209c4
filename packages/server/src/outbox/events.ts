import {
  classifyResponseCode,
  type DeclineCategory,
  type DisputeEventData,
  type HandoffEvent,
  type OrderEventData,
  type OrderEventName,
  type OrderSettledEventData,
  type PayoutReconciledEventData,
} from "@handoff/contracts";
import { newId } from "../new-id.js";
import type { OrderEvent, OrderEventType } from "../orders/events.js";
import type { Attempt, Order } from "../orders/model.js";

const NAME_FOR: Record<OrderEventType, OrderEventName | "dispute"> = {
  paid: "order.paid",
  needs_review: "order.review_required",
  released: "order.released",
  declined: "order.declined",
  captured: "order.captured",
  refunded: "order.refunded",
  voided: "order.voided",
  expired: "order.expired",
  disputed: "dispute",
};

const HOOK_FOR = new Map<string, OrderEventType>(
  Object.entries(NAME_FOR).map(([hook, name]) => [name, hook as OrderEventType]),
);

export function declineCategory(responseCode: string): DeclineCategory {
  const c = classifyResponseCode(responseCode);
  if (c.reason === "insufficient_funds") return "insufficient_funds";
  return c.category === "approved" ? "soft" : c.category;
}

/** The catalogue event for an order's transition, as the outbox stores it. */
export function orderEvent(
  hook: Exclude<OrderEventType, "disputed">,
  order: Order,
  attempt: Attempt,
  status: string,
  at: string,
  refund?: { amount: number; refundedTotal: number },
): HandoffEvent {
  const data: OrderEventData = {
    orderId: order.id,
    reference: order.id,
    // What this payment charged: an order announced paid is always its own attempt's price.
    amount: attempt.amount,
    currency: attempt.currency,
    ...(attempt.paymentId ? { paymentId: attempt.paymentId } : {}),
    status,
    occurredAt: at,
    ...(hook === "declined"
      ? {
          decline: {
            category: declineCategory(attempt.responseCode ?? "20005"),
            responseCode: attempt.responseCode ?? "20005",
          },
        }
      : {}),
    ...(hook === "refunded" ? { refund: { ...(refund ?? {}), full: status === "refunded" } } : {}),
  };
  return { id: newId("msg"), type: NAME_FOR[hook] as OrderEventName, timestamp: at, data };
}

const OUTCOME: Record<string, string> = {
  dispute_won: "won",
  dispute_lost: "lost",
  dispute_accepted: "accepted",
  dispute_canceled: "canceled",
  dispute_expired: "expired",
  dispute_resolved: "resolved",
};

/** `dispute.opened` for Checkout.com's dispute_received, `dispute.updated` for what follows. Keyed by its event. */
export function disputeEvent(checkoutEventId: string, data: Omit<DisputeEventData, "outcome">): HandoffEvent {
  const outcome = OUTCOME[data.checkoutType];
  return {
    id: `msg_dispute_${checkoutEventId}`,
    type: data.checkoutType === "dispute_received" ? "dispute.opened" : "dispute.updated",
    timestamp: data.occurredAt,
    data: { ...data, ...(outcome ? { outcome } : {}) },
  };
}

/** A verified Checkout.com event as stored, for destinations that take `checkout.*`. Keyed by its event. */
export function checkoutEvent(
  checkoutEventId: string,
  type: string,
  body: unknown,
  at: string,
): HandoffEvent {
  return {
    id: `msg_checkout_${checkoutEventId}`,
    type: `checkout.${type}`,
    timestamp: at,
    data: (body ?? {}) as Record<string, unknown>,
  };
}

/** The in-process hook's view of a catalogue event (`onOrderPaid`…); undefined for checkout.* ones. */
export function hookEvent(event: HandoffEvent): OrderEvent | undefined {
  const hook = HOOK_FOR.get(event.type.startsWith("dispute.") ? "dispute" : event.type);
  if (!hook) return undefined;
  const data = event.data as Partial<OrderEventData & DisputeEventData>;
  return {
    type: hook,
    orderId: String(data.orderId),
    at: event.timestamp,
    status: (data.status ?? "pending") as OrderEvent["status"],
    detail: { ...data, eventId: event.id, eventType: event.type },
  };
}

/** `order.settled`: once per order and payout (a later payout of a late fee announces it again). */
export function orderSettledEvent(data: OrderSettledEventData): HandoffEvent {
  return {
    id: `msg_settled_${data.orderId}_${data.payoutId}`,
    type: "order.settled",
    timestamp: data.occurredAt,
    data,
  };
}

/** `payout.reconciled`: once per payout and content (the same report read again announces nothing new). */
export function payoutReconciledEvent(data: PayoutReconciledEventData): HandoffEvent {
  return {
    id: `msg_payout_${data.payoutId}_${data.lines}_${data.net}_${data.amount ?? "unknown"}`,
    type: "payout.reconciled",
    timestamp: data.occurredAt,
    data,
  };
}
