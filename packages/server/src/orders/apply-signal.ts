import type { OrderStatus } from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import type { AttemptPatch, TimelineEvent } from "../store/port.js";
import { orderEventFor } from "./events.js";
import { type Attempt, orderStatusOf } from "./model.js";
import { orderLock } from "./order-lock.js";
import { type PaymentSignal, transition } from "./state-machine.js";

export interface SignalEvidence {
  /** Who said so: the confirm response, the 3-D Secure return, a webhook, the sweep, an operator. */
  source: "confirm" | "3ds_return" | "webhook" | "reconciliation" | "operator";
  detail?: Record<string, unknown>;
}

type Deps = Pick<HandoffDeps, "store" | "inventory" | "logger" | "events" | "now">;

/**
 * Writes an attempt's change, its order's status, its timeline entries and what happens to its
 * stock in one durable write when the stock lives in the same database; through the Inventory
 * port right after it otherwise.
 */
export async function recordAttempt(
  deps: Deps,
  attempt: Attempt,
  patch: AttemptPatch,
  order: { status: OrderStatus; riskFlagged?: boolean } | undefined,
  events: TimelineEvent[],
  stock: "commit" | "release" | "keep",
): Promise<Attempt> {
  const sql = deps.inventory.sql;
  const also = sql && stock !== "keep" ? sql.settle(attempt.orderId, stock) : [];
  const updated = await deps.store.updateAttempt(attempt, patch, order, events, also);
  if (!sql && stock === "commit") await deps.inventory.commit(attempt.orderId);
  if (!sql && stock === "release") await deps.inventory.release(attempt.orderId);
  return updated;
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
 * machine. A signal the machine refuses is recorded with why and changes no status; `patch`
 * (what the processor told us: payment id, response code, the answer given) is kept either way.
 */
export interface SignalExtra {
  /** Timeline entries written with the change (the webhook, the processor calls). */
  events?: TimelineEvent[];
  /** What the processor told us, kept whether or not the status moves. */
  patch?: AttemptPatch;
  /** The caller knows this is the order's latest attempt (saves a read). */
  isLatest?: boolean;
}

type SignalResult = Promise<{ attempt: Attempt; changed: boolean }>;

export function applySignal(
  deps: Deps,
  attempt: Attempt,
  signal: PaymentSignal,
  evidence: SignalEvidence,
  extra: SignalExtra = {},
): SignalResult {
  return orderLock.run(attempt.orderId, async () => {
    const fresh = (await deps.store.attemptById(attempt.id)) ?? attempt;
    return applyLocked(deps, fresh, signal, evidence, extra);
  });
}

async function applyLocked(
  deps: Deps,
  attempt: Attempt,
  signal: PaymentSignal,
  evidence: SignalEvidence,
  extra: SignalExtra,
): SignalResult {
  const from = orderStatusOf(attempt);
  const result = transition(from, signal);
  const base = { signal, source: evidence.source, attemptId: attempt.id, ...evidence.detail };
  const events = extra.events ?? [];
  if (!result.changed) {
    const ignored = { kind: "signal_ignored", detail: { ...base, status: from, reason: result.reason } };
    if (extra.patch) await deps.store.updateAttempt(attempt, extra.patch, undefined, [...events, ignored]);
    else for (const event of [...events, ignored]) await deps.store.appendEvent(attempt.orderId, event);
    return { attempt, changed: false };
  }
  const isLatest =
    extra.isLatest ?? (await deps.store.attemptsOfOrder(attempt.orderId)).at(-1)?.id === attempt.id;
  const flagged = signal === "flagged" || attempt.riskFlagged;
  const stock = !isLatest
    ? "keep"
    : HOLDS_STOCK.has(result.status)
      ? "commit"
      : RELEASES_STOCK.has(result.status)
        ? "release"
        : "keep";
  const updated = await recordAttempt(
    deps,
    attempt,
    { ...extra.patch, status: result.status as Attempt["status"], riskFlagged: flagged },
    isLatest ? { status: result.status, riskFlagged: flagged } : undefined,
    [...events, { kind: "status_changed", detail: { ...base, from, to: result.status } }],
    stock,
  );
  deps.logger.info(
    { orderId: attempt.orderId, from, to: result.status, source: evidence.source },
    "order status changed",
  );
  // Each transition is applied once (the machine is monotonic and the write is durable), so it is announced once.
  const type = isLatest ? orderEventFor(result.status) : undefined;
  if (type && deps.events) {
    await deps.events.emit({
      type,
      orderId: attempt.orderId,
      at: deps.now().toISOString(),
      status: result.status,
      detail: {
        from,
        source: evidence.source,
        ...(updated.paymentId ? { paymentId: updated.paymentId } : {}),
      },
    });
  }
  return { attempt: updated, changed: true };
}
