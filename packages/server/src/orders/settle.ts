import type { OrderStatus } from "@handoff/contracts";
import type { AttemptPatch, TimelineEvent } from "../store/port.js";
import { type OrderChange, type OrderEventType, orderEventFor } from "./events.js";
import {
  type Attempt,
  isInFlight,
  isPaid,
  isUnpaidEnd,
  paymentStatusOf,
  type StockShortfall,
} from "./model.js";
import type { OrderDeps } from "./ports.js";
import { type PaymentSignal, transition } from "./state-machine.js";

/**
 * What is now known about one payment attempt, whoever learned it: the confirm response, the 3-D
 * Secure return, a webhook, the reconciliation sweep or an operator.
 */
export type Settlement =
  /** What the payment itself says (approved, captured, declined…), through the state machine. */
  | { kind: "signal"; signal: PaymentSignal }
  /** Checkout.com did not answer: a charge may exist. Only a charge still in flight becomes unknown. */
  | { kind: "unknown" }
  /** No payment exists for it (a refused token, a refused request, none found by the sweep). */
  | { kind: "not_charged" }
  /** The shopper left 3-D Secure and its payment is still pending: the order is free again. */
  | { kind: "abandoned" }
  /** An operator ended a risk review; `truth` is the payment's status as Checkout.com says it now. */
  | { kind: "released"; truth: PaymentSignal; operator?: string };

export interface SettleInput {
  source: "session" | "confirm" | "3ds_return" | "webhook" | "reconciliation" | "operator";
  detail?: Record<string, unknown>;
  /** Timeline entries written with the change (the webhook, the processor calls), applied or not. */
  events?: TimelineEvent[];
  /** What the processor told us (payment id, response code, the answer given); kept either way. */
  patch?: Omit<AttemptPatch, "status" | "abandonedAt" | "reviewReleasedAt">;
  /**
   * What the payment says of itself: its amount and currency (one for another amount never pays the
   * order) and its risk flag (a flagged payment is held for review, whichever news comes first).
   */
  observed?: { amount?: number | undefined; currency?: string | undefined; flagged?: boolean };
  /** For a refund signal: this refund, keyed by its action, so each one is announced once. */
  refund?: { key: string; amount: number };
}

export interface Settled {
  /** The attempt as stored after this settlement. */
  attempt: Attempt;
  changed: boolean;
  /** Why nothing changed, when nothing did. */
  reason?: string;
  /** The order events this settlement committed (to the outbox, with the change). */
  events: OrderChange[];
}

/** What settling needs: reversing a stray payment calls the processor. */
export type SettleDeps = OrderDeps;
type Deps = SettleDeps;

interface Plan {
  patch: AttemptPatch;
  /** The order's new status when this attempt speaks for it. */
  orderStatus?: OrderStatus;
  /** Set the order's review flag: a person must look (a payment for the wrong amount). */
  flagOrder?: boolean;
  stock: "commit" | "release" | "keep";
  event?: Exclude<OrderEventType, "disputed">;
  to: string;
  /** Timeline entries that say why this plan is not the plain transition. */
  notes?: TimelineEvent[];
}

/** Why a paid payment does not belong to its order, for the timeline and the reversal. */
const STRAY_WHY = {
  abandoned: "this payment was approved after the shopper left 3-D Secure; the order does not keep it",
  repriced: "the order's price changed after this payment started; the order does not keep it",
  mismatch: "this payment is for another amount or currency than its attempt; the order does not keep it",
  superseded: "a newer payment attempt speaks for this order; the order does not keep this one",
} as const;
type StrayWhy = keyof typeof STRAY_WHY;

/**
 * The one door through which an attempt's outcome is written. One transaction that holds the
 * order's lock (across instances) and computes the change from the attempt and order as stored now,
 * so no writer can overwrite a newer outcome with an older one: a late `unknown` never undoes an
 * approval, a late approval never reopens an abandoned order, and a payment pays its order only if
 * it is the order's latest attempt, for the order's price, and for the amount that attempt charged.
 * The attempt, the order's status, its stock and the timeline commit together; the order event and
 * any reversal follow the commit.
 */
export async function settle(
  deps: Deps,
  ref: Pick<Attempt, "id" | "orderId">,
  change: Settlement,
  input: SettleInput,
): Promise<Settled> {
  const done = await deps.store.transaction(async (tx) => {
    await tx.lockOrder(ref.orderId);
    // The order's attempts, read once under its lock: the one settled and the latest among them.
    let attempts = await tx.attemptsOfOrder(ref.orderId);
    let fresh = attempts.find((a) => a.id === ref.id);
    if (!fresh) {
      fresh = await tx.attemptById(ref.id);
      if (!fresh) throw new Error(`payment attempt ${ref.id} does not exist`);
      attempts = await tx.attemptsOfOrder(fresh.orderId);
    }
    const order = await tx.orderById(fresh.orderId);
    if (!order) throw new Error(`order ${fresh.orderId} does not exist`);
    const latest = attempts.at(-1);
    const repriced = fresh.amount !== order.amount || fresh.currency !== order.currency;
    const owner = !fresh.abandonedAt && latest?.id === fresh.id && !repriced;
    const at = deps.now().toISOString();
    const refund =
      change.kind === "signal" && isRefundSignal(change.signal) && input.refund && fresh.paymentId
        ? await tx.recordRefund({ ...input.refund, orderId: fresh.orderId, paymentId: fresh.paymentId })
        : undefined;
    let plan = planFor(
      fresh,
      heldIfFlagged(change, fresh, input.observed),
      owner,
      at,
      refund?.recorded === true,
    );
    const mismatch = typeof plan !== "string" && entersPaid(fresh, plan) && wrongMoney(fresh, input.observed);
    if (typeof plan !== "string" && mismatch) plan = setAside(plan, owner, at, fresh, input.observed);
    const said = change.kind === "signal" ? { signal: change.signal } : { change: change.kind };
    const base = { ...said, source: input.source, attemptId: fresh.id, ...input.detail };
    const events = input.events ?? [];
    if (typeof plan === "string") {
      const attempt = await tx.updateAttempt(fresh, input.patch ?? {}, undefined);
      await tx.appendEvents(fresh.orderId, [
        ...events,
        { kind: "signal_ignored", detail: { ...base, status: fresh.status, reason: plan } },
      ]);
      return { attempt, changed: false as const, reason: plan, events: [] };
    }
    if (plan.stock === "commit" && fresh.status === "failed") {
      // Stock released while this attempt looked failed is taken again; gone means a person decides.
      const held = await deps.inventory.reserve(order.id, order.lines, tx.handle);
      if (!held.ok) plan = stockGone(plan, owner, held.lines);
    }
    const attempt = await tx.updateAttempt(
      fresh,
      { ...input.patch, ...plan.patch },
      plan.orderStatus
        ? {
            status: plan.orderStatus,
            riskFlagged: (plan.patch.riskFlagged ?? false) || plan.flagOrder === true,
          }
        : plan.flagOrder
          ? { status: order.status, riskFlagged: true }
          : undefined,
    );
    await tx.appendEvents(fresh.orderId, [
      ...events,
      ...(plan.notes ?? []),
      { kind: "status_changed", detail: { ...base, from: fresh.status, to: plan.to } },
    ]);
    if (plan.stock === "commit") await deps.inventory.commit(fresh.orderId, tx.handle);
    if (plan.stock === "release") await deps.inventory.release(fresh.orderId, tx.handle);
    const produced: OrderChange[] = [];
    if (plan.event) {
      // The merchant's other systems hear of it only if it commits, and surely if it does (the outbox).
      // News that skipped a step (a capture before the approval) still announces the step first, so
      // whoever fulfils on `paid` hears it, and the events add up to what Checkout.com holds.
      const refunded =
        plan.event === "refunded" && input.refund && refund
          ? { amount: input.refund.amount, refundedTotal: refund.total }
          : undefined;
      const status = plan.orderStatus ?? paymentStatusOf(attempt);
      for (const type of [...skippedEvents(fresh, plan), plan.event]) {
        produced.push({
          type,
          order,
          attempt,
          status,
          at: attempt.updatedAt,
          ...(type === "refunded" && refunded ? { refund: refunded } : {}),
        });
      }
      await tx.appendOrderChanges(produced);
    }
    const stray: StrayWhy | undefined = mismatch
      ? "mismatch"
      : fresh.abandonedAt
        ? "abandoned"
        : repriced
          ? "repriced"
          : owner
            ? undefined
            : "superseded";
    return { attempt, changed: true as const, from: fresh.status, plan, stray, events: produced };
  });
  if (!done.changed) return done;
  const { attempt, from, plan, stray, events } = done;
  deps.logger.info(
    { orderId: attempt.orderId, from, to: plan.to, source: input.source },
    "payment attempt settled",
  );
  if (plan.event) deps.outboxCommitted?.();
  if (stray && isPaid(paymentStatusOf(attempt))) await reverseStrayPayment(deps, attempt, STRAY_WHY[stray]);
  return { attempt, changed: true, events };
}

/** The announcements a transition jumped over: `paid` when it enters a paid status another way, `captured` when it goes past it. */
function skippedEvents(fresh: Attempt, plan: Plan): Array<"paid" | "captured"> {
  const to = plan.patch.status;
  if (!plan.event || !to || to === "needs_review" || plan.event === "needs_review") return [];
  const from = paymentStatusOf(fresh);
  const skipped: Array<"paid" | "captured"> = [];
  if (entersPaid(fresh, plan) && plan.event !== "paid") skipped.push("paid");
  const beyondCapture = to === "partially_refunded" || to === "refunded";
  const captureSeen = from === "captured" || from === "partially_refunded" || from === "refunded";
  if (beyondCapture && !captureSeen && plan.event !== "captured") skipped.push("captured");
  return skipped;
}

/**
 * A payment Checkout.com's risk engine flagged is held for review even when the news that arrives
 * first is its capture or a lookup: never announced paid before a person has looked. Once an operator
 * released the review, the flag is not news again.
 */
function heldIfFlagged(change: Settlement, fresh: Attempt, observed: SettleInput["observed"]): Settlement {
  if (change.kind !== "signal" || !observed?.flagged || fresh.reviewReleasedAt) return change;
  return change.signal === "authorized" || change.signal === "captured"
    ? { kind: "signal", signal: "flagged" }
    : change;
}

function isRefundSignal(signal: PaymentSignal): boolean {
  return signal === "partially_refunded" || signal === "refunded";
}

/** Whether this plan takes the attempt from unpaid to paid (the moment its money is checked). */
function entersPaid(fresh: Attempt, plan: Plan): boolean {
  const to = plan.patch.status;
  if (!to || to === "failed" || to === "processing" || to === "unknown") return false;
  return isPaid(to) && !isPaid(paymentStatusOf(fresh));
}

function wrongMoney(fresh: Attempt, observed: SettleInput["observed"]): boolean {
  if (!observed) return false;
  const amount = observed.amount !== undefined && observed.amount !== fresh.amount;
  const currency = observed.currency !== undefined && observed.currency.toUpperCase() !== fresh.currency;
  return amount || currency;
}

/**
 * A payment for another amount or currency than its attempt charged: it never pays the order. The
 * attempt keeps the payment's status (so it can be reversed) but stops speaking for the order, which
 * goes back to pending, its stock released, flagged for a person to look at.
 */
function setAside(
  plan: Plan,
  owner: boolean,
  at: string,
  fresh: Attempt,
  observed: SettleInput["observed"],
): Plan {
  return {
    patch: { ...plan.patch, abandonedAt: at },
    ...(owner ? { orderStatus: "pending" as const } : {}),
    flagOrder: true,
    stock: owner ? "release" : "keep",
    to: `${plan.to} (set aside)`,
    notes: [
      {
        kind: "payment_amount_mismatch",
        detail: {
          attemptId: fresh.id,
          expected: { amount: fresh.amount, currency: fresh.currency },
          seen: observed,
          why: STRAY_WHY.mismatch,
        },
      },
    ],
  };
}

/** Paid, but the stock it held went back on the shelf and is sold now: held for a person to decide. */
function stockGone(plan: Plan, owner: boolean, lines: StockShortfall[]): Plan {
  return {
    patch: { ...plan.patch, status: "needs_review" },
    ...(owner ? { orderStatus: "needs_review" as const, event: "needs_review" as const } : {}),
    stock: "keep",
    to: "needs_review",
    notes: [
      {
        kind: "stock_gone",
        detail: {
          lines,
          why: "the payment went through after its stock was released, and the stock is sold: refund, or source it and release the review",
        },
      },
    ],
  };
}

/** What a settlement does to this attempt, or why it changes nothing. */
function planFor(
  fresh: Attempt,
  change: Settlement,
  owner: boolean,
  at: string,
  newRefund: boolean,
): Plan | string {
  switch (change.kind) {
    case "unknown":
      if (fresh.status !== "processing") return `already ${fresh.status}: a newer answer is kept`;
      return { patch: { status: "unknown" }, stock: "keep", to: "unknown" };
    case "not_charged":
      if (!isInFlight(fresh)) return `already ${fresh.status}: a payment answered for it`;
      return {
        patch: { status: "failed" },
        ...(owner ? { orderStatus: "pending" as const } : {}),
        stock: owner ? "release" : "keep",
        to: "failed",
      };
    case "abandoned":
      if (fresh.status !== "requires_action" || fresh.abandonedAt) {
        return `already ${fresh.abandonedAt ? "abandoned" : fresh.status}`;
      }
      return {
        patch: { abandonedAt: at },
        ...(owner ? { orderStatus: "pending" as const, event: "expired" as const } : {}),
        stock: owner ? "release" : "keep",
        to: "abandoned",
      };
    case "released": {
      if (fresh.status !== "needs_review") return `not in review (${fresh.status})`;
      const truth = change.truth === "flagged" ? "authorized" : change.truth;
      const status = truth === "authorized" ? "authorized" : transition("authorized", truth).status;
      // Released into a payment that is gone (voided meanwhile) is that news, never "fulfil now".
      const event = isPaid(status) ? ("released" as const) : orderEventFor(status);
      return {
        patch: { status: status as Attempt["status"], reviewReleasedAt: at },
        ...(owner ? { orderStatus: status } : {}),
        stock: owner ? stockFor(status) : "keep",
        ...(owner && event ? { event } : {}),
        to: status,
      };
    }
    case "signal": {
      // Once an operator released the review, a repeated risk flag is not news.
      const signal = change.signal === "flagged" && fresh.reviewReleasedAt ? "authorized" : change.signal;
      const result = transition(paymentStatusOf(fresh), signal);
      if (!result.changed && newRefund && owner) {
        // Another part refunded: the status stays, and the refund is still news.
        return { patch: {}, stock: "keep", event: "refunded", to: fresh.status };
      }
      if (!result.changed) return result.reason;
      const flagged = signal === "flagged" || fresh.riskFlagged;
      const event = owner ? orderEventFor(result.status) : undefined;
      return {
        patch: { status: result.status as Attempt["status"], riskFlagged: flagged },
        ...(owner ? { orderStatus: result.status } : {}),
        stock: owner ? stockFor(result.status) : "keep",
        ...(event ? { event } : {}),
        to: result.status,
      };
    }
  }
}

function stockFor(status: OrderStatus): "commit" | "release" | "keep" {
  return isPaid(status) ? "commit" : isUnpaidEnd(status) ? "release" : "keep";
}

const REVERSIBLE: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  "authorized",
  "needs_review",
  "captured",
  "partially_refunded",
]);

async function leftToRefund(deps: Deps, paymentId: string) {
  const lookup = await deps.processor.getPayment(paymentId);
  if (lookup.kind !== "found") return lookup;
  return {
    kind: "found" as const,
    calls: lookup.calls,
    amount: lookup.payment.balances?.available_to_refund ?? 0,
  };
}

/**
 * A payment that no longer speaks for its order (3-D Secure abandoned, then approved anyway) must
 * not keep the shopper's money: void it while it is only authorized, refund it once captured. The
 * key is fixed per payment and action, so however often the news arrives Checkout.com acts once;
 * a void refused because the capture came first becomes a refund.
 */
export async function reverseStrayPayment(
  deps: Deps,
  attempt: Attempt,
  why: string = STRAY_WHY.abandoned,
): Promise<void> {
  const paymentId = attempt.paymentId;
  const status = paymentStatusOf(attempt);
  if (!paymentId || !REVERSIBLE.has(status)) return;
  const request = { reference: attempt.orderId.slice(0, 50) };
  const reverse = async (action: "void" | "refund") => {
    if (action === "void")
      return deps.processor.void(paymentId, request, `handoff:${paymentId}:reverse-void`);
    // Partly refunded already (from the dashboard, say): give back what is left, asked of Checkout.com,
    // since a refund without an amount means the whole payment and would be refused.
    const left = status === "partially_refunded" ? await leftToRefund(deps, paymentId) : undefined;
    if (left && left.kind !== "found") return left;
    const amount = left ? { amount: left.amount } : {};
    const refund = await deps.processor.refund(
      paymentId,
      { ...request, ...amount },
      `handoff:${paymentId}:reverse-refund`,
    );
    if (left) refund.calls.unshift(...left.calls);
    return refund;
  };
  let action: "void" | "refund" =
    status === "captured" || status === "partially_refunded" ? "refund" : "void";
  let outcome = await reverse(action);
  if (action === "void" && outcome.kind === "not_allowed") {
    // Captured in the meantime (auto-capture): only a refund gives the money back now.
    const calls = outcome.calls;
    action = "refund";
    outcome = await reverse(action);
    outcome.calls.unshift(...calls);
  }
  const calls = outcome.calls.map((call) => ({ kind: "processor_call", detail: { ...call } }));
  for (const entry of [
    ...calls,
    {
      kind: "stray_payment_reversed",
      detail: {
        attemptId: attempt.id,
        paymentId,
        action,
        accepted: outcome.kind === "accepted",
        why,
        ...(outcome.kind === "accepted" ? { actionId: outcome.action.action_id } : { failure: outcome.kind }),
      },
    },
  ]) {
    await deps.store.appendEvent(attempt.orderId, entry);
  }
  deps.logger.warn(
    { orderId: attempt.orderId, paymentId, action, outcome: outcome.kind },
    "stray payment reversed",
  );
}
