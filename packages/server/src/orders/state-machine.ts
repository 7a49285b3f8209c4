import type { OrderStatus } from "@handoff/contracts";

/**
 * What can happen to a payment, whoever says so: the confirm response, the 3-D Secure return,
 * a webhook or the reconciliation sweep. Webhooks arrive at least once and in any order, so the
 * machine is monotonic: a signal that would move the status backward is recorded and ignored,
 * and the same signal twice changes nothing.
 */
export const PAYMENT_SIGNALS = [
  "requires_action",
  "authorized",
  "flagged",
  "declined",
  "captured",
  "partially_refunded",
  "refunded",
  "voided",
  "canceled",
  "expired",
] as const;
export type PaymentSignal = (typeof PAYMENT_SIGNALS)[number];

export type Transition =
  | { changed: true; status: OrderStatus }
  | { changed: false; status: OrderStatus; reason: string };

/** Forward progress of a successful payment; needs_review sits beside authorized. */
const RANK: Partial<Record<OrderStatus, number>> & { captured: number } = {
  pending: 0,
  requires_action: 1,
  authorized: 2,
  needs_review: 2,
  captured: 3,
  partially_refunded: 4,
  refunded: 5,
};

const TARGET: Record<PaymentSignal, OrderStatus> = {
  requires_action: "requires_action",
  authorized: "authorized",
  flagged: "needs_review",
  declined: "declined",
  captured: "captured",
  partially_refunded: "partially_refunded",
  refunded: "refunded",
  voided: "voided",
  canceled: "canceled",
  expired: "expired",
};

/** Ends that can only be reached before any money was taken. */
const ENDS_BEFORE_CAPTURE = new Set<OrderStatus>(["declined", "voided", "canceled", "expired"]);

export function isFinal(status: OrderStatus): boolean {
  return ENDS_BEFORE_CAPTURE.has(status) || status === "refunded";
}

export function transition(from: OrderStatus, signal: PaymentSignal): Transition {
  const to = TARGET[signal];
  if (from === to) return { changed: false, status: from, reason: `already ${from}` };
  if (isFinal(from)) return { changed: false, status: from, reason: `${from} is final` };

  const fromRank = RANK[from] ?? 0;
  if (ENDS_BEFORE_CAPTURE.has(to)) {
    // A decline, cancel or expiry ends a payment that was never authorized; a void ends one
    // that was authorized but not captured. Anything further along has gone past them.
    const limit = to === "voided" ? 2 : 1;
    if (fromRank > limit) return { changed: false, status: from, reason: `${signal} cannot follow ${from}` };
    return { changed: true, status: to };
  }

  // A risk flag holds the order for review, even when the capture came first; only an operator
  // (release, void, refund) ends the hold, so captures and approvals arriving later change nothing.
  if (to === "needs_review") {
    if (fromRank <= RANK.captured) return { changed: true, status: to };
    return { changed: false, status: from, reason: `money is already going back (${from})` };
  }
  if (from === "needs_review" && (to === "authorized" || to === "captured")) {
    return { changed: false, status: from, reason: "held for review until an operator releases it" };
  }
  const toRank = RANK[to] ?? 0;
  if (toRank > fromRank) return { changed: true, status: to };
  return { changed: false, status: from, reason: `${signal} would move ${from} backward` };
}

/** Applies signals in order; handy for tests and for replaying a stored history. */
export function applySignals(from: OrderStatus, signals: readonly PaymentSignal[]): OrderStatus {
  return signals.reduce<OrderStatus>((status, signal) => transition(status, signal).status, from);
}
