import type { OrderStatus } from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import type { TimelineEvent } from "../store/port.js";
import { type Attempt, orderStatusOf } from "./model.js";
import { type PaymentSignal, transition } from "./state-machine.js";

export interface SignalEvidence {
  /** Who said so: the confirm response, the 3-D Secure return, a webhook, the sweep, an operator. */
  source: "confirm" | "3ds_return" | "webhook" | "reconciliation" | "operator";
  detail?: Record<string, unknown>;
  paymentId?: string;
  responseCode?: string;
}

const HOLDS_STOCK = new Set<OrderStatus>([
  "authorized",
  "needs_review",
  "captured",
  "partially_refunded",
  "refunded",
]);
const RELEASES_STOCK = new Set<OrderStatus>(["declined", "voided", "canceled", "expired"]);

/**
 * Moves an attempt (and its order, when it is the order's latest attempt) through the state
 * machine, writing the change and its reason to the timeline in one transaction. A signal the
 * machine refuses is recorded, with why, and changes nothing.
 */
export async function applySignal(
  deps: Pick<HandoffDeps, "store" | "inventory" | "logger">,
  attempt: Attempt,
  signal: PaymentSignal,
  evidence: SignalEvidence,
  extraEvents: TimelineEvent[] = [],
): Promise<{ attempt: Attempt; changed: boolean }> {
  const from = orderStatusOf(attempt);
  const result = transition(from, signal);
  const base = { signal, source: evidence.source, attemptId: attempt.id, ...evidence.detail };
  if (!result.changed) {
    const event = { kind: "signal_ignored", detail: { ...base, status: from, reason: result.reason } };
    for (const e of [...extraEvents, event]) await deps.store.appendEvent(attempt.orderId, e);
    return { attempt, changed: false };
  }
  const attempts = await deps.store.attemptsOfOrder(attempt.orderId);
  const isLatest = attempts.at(-1)?.id === attempt.id;
  const flagged = signal === "flagged" || attempt.riskFlagged;
  const updated = await deps.store.updateAttempt(
    attempt,
    {
      status: result.status as Attempt["status"],
      riskFlagged: flagged,
      ...(evidence.paymentId && !attempt.paymentId ? { paymentId: evidence.paymentId } : {}),
      ...(evidence.responseCode ? { responseCode: evidence.responseCode } : {}),
    },
    isLatest ? { status: result.status, riskFlagged: flagged } : undefined,
    [...extraEvents, { kind: "status_changed", detail: { ...base, from, to: result.status } }],
  );
  if (isLatest && HOLDS_STOCK.has(result.status)) await deps.inventory.commit(attempt.orderId);
  if (isLatest && RELEASES_STOCK.has(result.status)) await deps.inventory.release(attempt.orderId);
  deps.logger.info(
    { orderId: attempt.orderId, from, to: result.status, source: evidence.source },
    "order status changed",
  );
  return { attempt: updated, changed: true };
}
