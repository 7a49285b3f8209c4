import { type Attempt, type AttemptStatus, isPaid, paymentStatusOf } from "./model.js";
import type { OrderDeps } from "./ports.js";
import { reverseStrayPayment, settle } from "./settle.js";
import { signalFromPayment } from "./signal-from-payment.js";

export interface SweepResult {
  looked: number;
  changed: number;
  /** Attempts Checkout.com has no payment for: nothing was charged, the order is open again. */
  notCharged: number;
  /** 3-D Secure left unfinished past its limit: the order and its stock are free again. */
  abandoned: number;
  unreachable: number;
}

export interface SweepOptions {
  /**
   * How long a 3-D Secure challenge may stay unfinished before its stock goes back on the shelf.
   * Checkout.com gives the shopper 15 minutes (then declines with 20152); a minute more by default.
   */
  abandonThreeDsAfterMs?: number;
  /** How long an attempt this sweep claimed stays out of other instances' sweeps if this one dies. Default 5 min. */
  leaseMs?: number;
}

const THREE_DS_LIMIT_MS = 16 * 60_000;
const SWEEP_LEASE_MS = 5 * 60_000;
/** How long an approved payment the sweep found still uncaptured waits before it is looked up again. */
const AUTHORIZED_RECHECK_MS = 60 * 60_000;

/**
 * Reconciliation: attempts stuck in `processing`, `unknown` or `requires_action` past `olderThanMs`
 * are looked up at Checkout.com (by payment id, or by reference when the id never came back) and
 * what the payment says is settled like an event; so are approved payments still waiting for their
 * capture. A missed webhook is recovered here, and a 3-D Secure nobody finishes never holds stock
 * for longer than its limit.
 */
export async function reconcileStuckAttempts(
  deps: OrderDeps,
  olderThanMs: number,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const now = deps.now().getTime();
  const cutoff = new Date(now - olderThanMs).toISOString();
  const result: SweepResult = {
    looked: 0,
    changed: 0,
    notCharged: 0,
    abandoned: 0,
    unreachable: 0,
  };
  const abandonBefore = now - (options.abandonThreeDsAfterMs ?? THREE_DS_LIMIT_MS);
  const claim = claimer(deps, cutoff, options.leaseMs ?? SWEEP_LEASE_MS);
  try {
    for (;;) {
      const stuck = await claim(["processing", "unknown", "requires_action"], false);
      if (stuck.length === 0) break;
      for (const attempt of stuck) {
        result.looked++;
        const outcome = await reconcileOne(deps, attempt, Date.parse(attempt.createdAt) <= abandonBefore);
        if (outcome !== "unchanged") result[outcome === "changed" ? "changed" : outcome]++;
      }
    }
    // Abandoned payments approved anyway whose reversal did not take (a race with auto-capture, an
    // outage): look again and reverse. The keys are fixed, so a repeat is answered, not redone.
    for (;;) {
      const strays = await claim(["authorized", "needs_review", "captured", "partially_refunded"], true);
      if (strays.length === 0) break;
      for (const stray of strays) {
        result.looked++;
        const outcome = await reconcileOne(deps, stray, true);
        if (outcome === "unreachable") result.unreachable++;
        // A change was settled, and settling a stray payment already reverses it.
        if (outcome === "changed") continue;
        const fresh = await deps.store.attemptById(stray.id);
        if (fresh && isPaid(paymentStatusOf(fresh))) await reverseStrayPayment(deps, fresh);
      }
    }
    // Approved payments that Checkout.com captures itself (confirm asks it to) but whose capture never
    // reached us: without this, such an order says "not captured yet" forever. Those still authorized
    // at Checkout.com are looked at again an hour later, not at every pass.
    for (;;) {
      const uncaptured = await claim(["authorized"], false, AUTHORIZED_RECHECK_MS);
      if (uncaptured.length === 0) break;
      for (const attempt of uncaptured) {
        result.looked++;
        const outcome = await reconcileOne(deps, attempt, false);
        if (outcome === "changed" || outcome === "unreachable") result[outcome]++;
      }
    }
  } finally {
    await claim.release();
  }
  return result;
}

/**
 * Claims stale attempts a batch at a time. Another instance sweeping at once skips what this one
 * holds; the claims are let go when the pass ends, or lapse after `leaseMs` if this instance dies.
 */
function claimer(deps: OrderDeps, olderThan: string, leaseMs: number) {
  const claimed: string[] = [];
  /** `keepFor`: the claim is not let go at the end of the pass but kept this long (a pause before the next look). */
  const take = async (
    statuses: AttemptStatus[],
    abandoned: boolean,
    keepFor?: number,
  ): Promise<Attempt[]> => {
    const now = deps.now();
    const batch = await deps.store.claimStaleAttempts({
      statuses,
      olderThan,
      now: now.toISOString(),
      until: new Date(now.getTime() + (keepFor ?? leaseMs)).toISOString(),
      limit: 100,
      abandoned,
    });
    if (keepFor === undefined) claimed.push(...batch.map((a) => a.id));
    return batch;
  };
  return Object.assign(take, { release: () => deps.store.releaseStaleClaims(claimed) });
}

async function reconcileOne(
  deps: OrderDeps,
  attempt: Attempt,
  pastThreeDsLimit: boolean,
): Promise<"changed" | "unchanged" | "notCharged" | "abandoned" | "unreachable"> {
  const lookup = attempt.paymentId
    ? await deps.processor.getPayment(attempt.paymentId)
    : await deps.processor.findPaymentsByReference(attempt.orderId);
  const events = lookup.calls.map((call) => ({
    kind: "processor_call",
    detail: { ...call, source: "reconciliation" },
  }));
  if (lookup.kind === "unavailable") {
    for (const event of events) await deps.store.appendEvent(attempt.orderId, event);
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
    const freed = await settle(
      deps,
      attempt,
      { kind: "not_charged" },
      { source: "reconciliation", events, detail: { found: false } },
    );
    return freed.changed ? "notCharged" : "unchanged";
  }
  const input = {
    source: "reconciliation" as const,
    events,
    observed: { amount: payment.amount, currency: payment.currency, flagged: payment.risk?.flagged === true },
    detail: { paymentId: payment.id, paymentStatus: payment.status },
    patch: {
      ...(attempt.paymentId ? {} : { paymentId: payment.id }),
      ...(payment.response_code ? { responseCode: payment.response_code } : {}),
    },
  };
  const signal = signalFromPayment(payment);
  if (!signal) {
    // Still pending at Checkout.com. An unfinished 3-D Secure past its limit gives the stock back;
    // should it be approved after all, settling reverses it.
    if (attempt.status !== "requires_action" || attempt.abandonedAt || !pastThreeDsLimit) return "unchanged";
    const abandoned = await settle(deps, attempt, { kind: "abandoned" }, input);
    return abandoned.changed ? "abandoned" : "unchanged";
  }
  const applied = await settle(deps, attempt, { kind: "signal", signal }, input);
  return applied.changed ? "changed" : "unchanged";
}
