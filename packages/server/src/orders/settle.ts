import type { OrderStatus } from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import { orderEvent } from "../outbox/events.js";
import type { AttemptPatch, TimelineEvent } from "../store/port.js";
import { type OrderEventType, orderEventFor } from "./events.js";
import { type Attempt, isInFlight, isPaid, isUnpaidEnd, paymentStatusOf } from "./model.js";
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
}

export interface Settled {
  /** The attempt as stored after this settlement. */
  attempt: Attempt;
  changed: boolean;
}

/** What settling needs: reversing a stray payment calls the processor. */
export type SettleDeps = Pick<
  HandoffDeps,
  "store" | "inventory" | "logger" | "outboxCommitted" | "now" | "processor"
>;
type Deps = SettleDeps;

interface Plan {
  patch: AttemptPatch;
  /** The order's new status when this attempt speaks for it. */
  orderStatus?: OrderStatus;
  stock: "commit" | "release" | "keep";
  event?: Exclude<OrderEventType, "disputed">;
  to: string;
}

/**
 * The one door through which an attempt's outcome is written. One transaction that holds the
 * order's lock (across instances) and computes the change from the attempt as stored now, so no
 * writer can overwrite a newer outcome with an older one: a late `unknown` never undoes an
 * approval, a late approval never reopens an abandoned order. The attempt, the order's status, its
 * stock and the timeline commit together; the order event and any reversal follow the commit.
 */
export async function settle(
  deps: Deps,
  ref: Pick<Attempt, "id" | "orderId">,
  change: Settlement,
  input: SettleInput,
): Promise<Settled> {
  const done = await deps.store.transaction(async (tx) => {
    await tx.lockOrder(ref.orderId);
    const fresh = await tx.attemptById(ref.id);
    if (!fresh) throw new Error(`payment attempt ${ref.id} does not exist`);
    const latest = (await tx.attemptsOfOrder(fresh.orderId)).at(-1);
    const owner = !fresh.abandonedAt && latest?.id === fresh.id;
    const plan = planFor(fresh, change, owner, deps.now().toISOString());
    const said = change.kind === "signal" ? { signal: change.signal } : { change: change.kind };
    const base = { ...said, source: input.source, attemptId: fresh.id, ...input.detail };
    const events = input.events ?? [];
    if (typeof plan === "string") {
      const attempt = await tx.updateAttempt(fresh, input.patch ?? {}, undefined);
      await tx.appendEvents(fresh.orderId, [
        ...events,
        { kind: "signal_ignored", detail: { ...base, status: fresh.status, reason: plan } },
      ]);
      return { attempt, changed: false as const };
    }
    const attempt = await tx.updateAttempt(
      fresh,
      { ...input.patch, ...plan.patch },
      plan.orderStatus
        ? { status: plan.orderStatus, riskFlagged: plan.patch.riskFlagged ?? false }
        : undefined,
    );
    await tx.appendEvents(fresh.orderId, [
      ...events,
      { kind: "status_changed", detail: { ...base, from: fresh.status, to: plan.to } },
    ]);
    if (plan.stock === "commit") await deps.inventory.commit(fresh.orderId, tx.sql);
    if (plan.stock === "release") await deps.inventory.release(fresh.orderId, tx.sql);
    const order = plan.event ? await tx.orderById(fresh.orderId) : undefined;
    if (plan.event && order) {
      // The merchant's other systems hear of it only if it commits, and surely if it does (the outbox).
      const amount = typeof input.detail?.amount === "number" ? input.detail.amount : undefined;
      const status = plan.orderStatus ?? paymentStatusOf(attempt);
      await tx.appendOutbox(
        orderEvent(plan.event, order, attempt, status, attempt.updatedAt, amount),
        order.id,
      );
    }
    return { attempt, changed: true as const, from: fresh.status, plan, owner };
  });
  if (!done.changed) return done;
  const { attempt, from, plan, owner } = done;
  deps.logger.info(
    { orderId: attempt.orderId, from, to: plan.to, source: input.source },
    "payment attempt settled",
  );
  if (plan.event) deps.outboxCommitted?.();
  if (!owner && isPaid(paymentStatusOf(attempt))) await reverseStrayPayment(deps, attempt);
  return { attempt, changed: true };
}

/** What a settlement does to this attempt, or why it changes nothing. */
function planFor(fresh: Attempt, change: Settlement, owner: boolean, at: string): Plan | string {
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
      return {
        patch: { status: status as Attempt["status"], reviewReleasedAt: at },
        ...(owner ? { orderStatus: status } : {}),
        stock: owner ? stockFor(status) : "keep",
        ...(owner ? { event: "released" as const } : {}),
        to: status,
      };
    }
    case "signal": {
      // Once an operator released the review, a repeated risk flag is not news.
      const signal = change.signal === "flagged" && fresh.reviewReleasedAt ? "authorized" : change.signal;
      const result = transition(paymentStatusOf(fresh), signal);
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

/**
 * A payment that no longer speaks for its order (3-D Secure abandoned, then approved anyway) must
 * not keep the shopper's money: void it while it is only authorized, refund it once captured. The
 * key is fixed per payment and action, so however often the news arrives Checkout.com acts once;
 * a void refused because the capture came first becomes a refund.
 */
export async function reverseStrayPayment(deps: Deps, attempt: Attempt): Promise<void> {
  const paymentId = attempt.paymentId;
  const status = paymentStatusOf(attempt);
  if (!paymentId || (status !== "authorized" && status !== "needs_review" && status !== "captured")) return;
  const request = { reference: attempt.orderId.slice(0, 50) };
  const reverse = (action: "void" | "refund") =>
    action === "void"
      ? deps.processor.void(paymentId, request, `handoff:${paymentId}:reverse-void`)
      : deps.processor.refund(paymentId, request, `handoff:${paymentId}:reverse-refund`);
  let action: "void" | "refund" = status === "captured" ? "refund" : "void";
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
        why: "this payment was approved after the shopper left 3-D Secure; the order does not keep it",
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
