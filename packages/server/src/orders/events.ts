import type { OrderStatus } from "@handoff/contracts";
import type { Logger } from "../logger.js";
import type { Attempt, Order } from "./model.js";

export type OrderEventType =
  | "paid"
  | "needs_review"
  /** An operator released a risk review: fulfil now (paid orders without review announce "paid"). */
  | "released"
  | "declined"
  | "captured"
  | "refunded"
  | "voided"
  /** The shopper left 3-D Secure unfinished: the order is open again, its stock released. */
  | "expired"
  | "disputed";

export interface OrderEvent {
  type: OrderEventType;
  orderId: string;
  at: string;
  /** The order's status after the transition (disputes leave it as it was). */
  status: OrderStatus;
  detail: Record<string, unknown>;
}

/**
 * An order event as a use case produces it, before it is a catalogue event: settling hands these to
 * the store, which writes them to the outbox in the same transaction as the change.
 */
export interface OrderChange {
  type: Exclude<OrderEventType, "disputed">;
  order: Order;
  /** The payment that speaks for the order; its amount is the amount announced. */
  attempt: Attempt;
  /** The order's status after the change. */
  status: OrderStatus;
  at: string;
  /** A refund: this one's amount and the total refunded so far. */
  refund?: { amount: number; refundedTotal: number };
}

export type OrderEventListener = (event: OrderEvent) => void | Promise<void>;

type StatusEvent = Exclude<OrderEventType, "disputed" | "expired" | "released">;

const EVENT_FOR_STATUS: Partial<Record<OrderStatus, StatusEvent>> = {
  authorized: "paid",
  needs_review: "needs_review",
  declined: "declined",
  captured: "captured",
  partially_refunded: "refunded",
  refunded: "refunded",
  voided: "voided",
};

export function orderEventFor(status: OrderStatus): StatusEvent | undefined {
  return EVENT_FOR_STATUS[status];
}

/**
 * In-process listeners for what happens to orders (`onOrderPaid` and friends), fed by the outbox
 * worker from committed events only: each is announced after its change is durable, at least once
 * (again after a crash before it was handed on), and in order per order. A failing listener is
 * logged and never breaks payment processing.
 */
export class OrderEvents {
  private readonly listeners = new Map<OrderEventType | "*", Set<OrderEventListener>>();

  constructor(private readonly logger?: Logger) {}

  on(type: OrderEventType | "*", listener: OrderEventListener): () => void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
    return () => set.delete(listener);
  }

  async emit(event: OrderEvent): Promise<void> {
    const targets = [...(this.listeners.get(event.type) ?? []), ...(this.listeners.get("*") ?? [])];
    for (const listener of targets) {
      try {
        await listener(event);
      } catch (error) {
        this.logger?.error(
          { orderId: event.orderId, type: event.type, err: String(error) },
          "order event listener failed",
        );
      }
    }
  }
}
