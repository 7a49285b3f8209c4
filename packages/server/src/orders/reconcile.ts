import type { HandoffDeps } from "../deps.js";
import { applySignal, recordAttempt } from "./apply-signal.js";
import type { Attempt } from "./model.js";
import { orderLock } from "./order-lock.js";
import { signalFromPayment } from "./signals.js";

export interface SweepResult {
  looked: number;
  changed: number;
  /** Attempts Checkout.com has no payment for: nothing was charged, the order is open again. */
  notCharged: number;
  unreachable: number;
}

/**
 * Reconciliation: attempts stuck in `processing`, `unknown` or `requires_action` past `olderThanMs`
 * are looked up at Checkout.com (by payment id, or by reference when the id never came back) and
 * what the payment says is applied like an event. A missed webhook is recovered here.
 */
export async function reconcileStuckAttempts(deps: HandoffDeps, olderThanMs: number): Promise<SweepResult> {
  const cutoff = new Date(deps.now().getTime() - olderThanMs).toISOString();
  const stuck = await deps.store.staleAttempts(["processing", "unknown", "requires_action"], cutoff);
  const result: SweepResult = { looked: stuck.length, changed: 0, notCharged: 0, unreachable: 0 };
  for (const attempt of stuck) {
    const outcome = await settle(deps, attempt);
    if (outcome === "changed") result.changed++;
    if (outcome === "not_charged") result.notCharged++;
    if (outcome === "unreachable") result.unreachable++;
  }
  return result;
}

async function settle(
  deps: HandoffDeps,
  attempt: Attempt,
): Promise<"changed" | "unchanged" | "not_charged" | "unreachable"> {
  const lookup = attempt.paymentId
    ? await deps.processor.getPayment(attempt.paymentId)
    : await deps.processor.findPaymentsByReference(attempt.orderId);
  const calls = lookup.calls.map((call) => ({
    kind: "processor_call",
    detail: { ...call, source: "reconciliation" },
  }));
  if (lookup.kind === "unavailable") {
    for (const call of calls) await deps.store.appendEvent(attempt.orderId, call);
    return "unreachable";
  }
  const payment =
    lookup.kind === "found" && "payment" in lookup
      ? lookup.payment
      : lookup.kind === "found"
        ? lookup.payments.find((p) => p.metadata?.AccelerateToken === attempt.processorToken)
        : undefined;
  if (!payment) {
    if (attempt.status === "requires_action") return "unchanged";
    // Checkout.com never saw this charge: free the order and its stock so the shopper can pay.
    const freed = await orderLock.run(attempt.orderId, async () => {
      const fresh = await deps.store.attemptById(attempt.id);
      if (fresh?.status !== attempt.status) return false;
      await recordAttempt(
        deps,
        attempt,
        { status: "failed" },
        { status: "pending" },
        [...calls, { kind: "reconciled", detail: { attemptId: attempt.id, found: false } }],
        "release",
      );
      return true;
    });
    return freed ? "not_charged" : "unchanged";
  }
  const signal = signalFromPayment(payment);
  if (!signal) return "unchanged";
  const applied = await applySignal(
    deps,
    attempt,
    signal,
    { source: "reconciliation", detail: { paymentId: payment.id, paymentStatus: payment.status } },
    {
      events: calls,
      patch: {
        ...(attempt.paymentId ? {} : { paymentId: payment.id }),
        ...(payment.response_code ? { responseCode: payment.response_code } : {}),
      },
    },
  );
  return applied.changed ? "changed" : "unchanged";
}
