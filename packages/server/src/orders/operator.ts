import { formatMoney, type PaymentDetails } from "@handoff/contracts";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply } from "../reply.js";
import { chargedBackAmount } from "./disputes.js";
import type { Attempt, TimelineEntry } from "./model.js";
import type { OrderDeps } from "./ports.js";
import { settle } from "./settle.js";
import { signalFromPayment } from "./signal-from-payment.js";

export type OperatorAction = "capture" | "void" | "refund";

/**
 * A positive whole number of minor units: a JSON integer, or digits only (a form field). Absent
 * means the whole balance. Nothing is coerced: `""`, `true`, `[1]`, `"0x10"`, `"1e3"`, `" 12 "`,
 * `12.5` are refused rather than read as some other amount.
 */
export function parseMinorAmount(value: unknown): { ok: true; amount?: number } | { ok: false } {
  if (value === undefined) return { ok: true };
  if (typeof value === "number")
    return Number.isSafeInteger(value) && value > 0 ? { ok: true, amount: value } : { ok: false };
  if (typeof value === "string" && /^[1-9]\d{0,14}$/.test(value)) return { ok: true, amount: Number(value) };
  return { ok: false };
}

/** Checkout.com's refusals of an operator's action, as a sentence a person acts on (the code stays in `issues`). */
const REFUSALS: Record<string, string> = {
  refund_amount_exceeds_balance: "the amount is more than what is left to refund on this payment",
  capture_value_greater_than_authorized: "the amount is more than the bank authorized",
  capture_value_greater_than_remaining_authorized: "the amount is more than what is left to capture",
  void_amount_invalid: "this payment can no longer be voided",
  refund_authorization_declined: "the card's bank declined the refund",
  amount_invalid: "the amount is not valid for this payment",
};

export function refusalSentence(code: string): string | undefined {
  return REFUSALS[code];
}

/**
 * The payment that speaks for the order: its latest attempt, when Checkout.com gave it a payment id
 * and it was not set aside. A reversed stray or an earlier declined card is never acted on.
 */
async function chargedAttempt(deps: OrderDeps, orderId: string): Promise<Attempt | undefined> {
  const latest = (await deps.store.attemptsOfOrder(orderId)).at(-1);
  return latest?.paymentId && !latest.abandonedAt && latest.status !== "failed" ? latest : undefined;
}

/** The payment as Checkout.com sees it now: balances and the actions its links allow. */
export async function livePayment(
  deps: OrderDeps,
  orderId: string,
): Promise<{ payment: PaymentDetails; allowed: OperatorAction[] } | ApiReply> {
  const attempt = await chargedAttempt(deps, orderId);
  if (!attempt?.paymentId) return errorReply("ORDER_NOT_FOUND", "This order has no payment yet.");
  const outcome = await deps.processor.getPayment(attempt.paymentId);
  if (outcome.kind !== "found")
    return processorFailureReply(
      outcome.kind === "not_found" ? { kind: "unavailable", reason: "payment not found" } : outcome,
      deps.logger,
      orderId,
    );
  const links = outcome.payment._links;
  const allowed = (["capture", "void", "refund"] as const).filter((a) => links[a] !== undefined);
  return { payment: outcome.payment, allowed };
}

/**
 * Capture, void or refund from the merchant's side. The request is idempotent (its key is the
 * payment, the action and how many of that action the timeline already holds, so a double click
 * sends one), answered 202 by Checkout.com, and the status moves when the webhook confirms it.
 */
export async function requestOperatorAction(
  deps: OrderDeps,
  orderId: string,
  action: OperatorAction,
  input: {
    amount?: unknown;
    full?: unknown;
    operator?: string;
    reason?: string;
    /**
     * Names this operator request (a confirmation form carries one): the same request sent twice is
     * one action at Checkout.com. Without it, the key counts the actions already on the timeline.
     */
    requestKey?: string;
  },
): Promise<ApiReply> {
  const parsed = parseMinorAmount(input.amount);
  // Moving money needs an amount, or an explicit `full: true`: a missing or empty body never means "all".
  const explicit = action === "void" || (parsed.ok && (parsed.amount !== undefined || input.full === true));
  // Both an amount and `full` say two things; neither is guessed at.
  const both = input.amount !== undefined && input.full !== undefined;
  if (!parsed.ok || !explicit || both || (input.full !== undefined && input.full !== true)) {
    return errorReply(
      "AMOUNT_INVALID",
      `A ${action} needs amount (a positive whole number of minor units, e.g. 1450 for £14.50) or full: true.`,
      { issues: [{ path: "amount", message: "expected a positive integer in minor units, or full: true" }] },
    );
  }
  const amount = parsed.amount;
  const attempt = await chargedAttempt(deps, orderId);
  if (!attempt?.paymentId) return errorReply("ORDER_NOT_FOUND", "This order has no payment to act on.");
  const paymentId = attempt.paymentId;
  const timeline = await deps.store.timeline(orderId);
  const actions = timeline.filter((e) => e.kind === "operator_action");
  // Before the balance: a request answered once is answered the same, whatever is left now.
  if (input.requestKey) {
    const again = sameRequest(actions, input.requestKey, action, amount);
    if (again) return again;
  }
  const chargedBack = action === "refund" ? chargedBackAmount(timeline) : 0;
  const bound =
    chargedBack > 0
      ? await chargebackBound(deps, paymentId, chargedBack, amount)
      : amount !== undefined && action !== "void"
        ? await balanceBound(deps, paymentId, action, amount)
        : undefined;
  if (bound) return bound;
  const earlier = actions.filter((e) => e.detail.action === action && e.detail.accepted === true).length;
  const key = input.requestKey
    ? `handoff:${paymentId}:${action}:ops:${input.requestKey}`.slice(0, 200)
    : `handoff:${paymentId}:${action}:${earlier + 1}:${amount ?? "all"}`;
  const body = {
    ...(amount !== undefined && action !== "void" ? { amount } : {}),
    reference: orderId.slice(0, 50),
  };
  const outcome =
    action === "capture"
      ? await deps.processor.capture(paymentId, body, key)
      : action === "refund"
        ? await deps.processor.refund(paymentId, body, key)
        : await deps.processor.void(paymentId, { reference: body.reference }, key);
  const calls = outcome.calls.map((call) => ({ kind: "processor_call", detail: { ...call } }));
  const accepted = outcome.kind === "accepted";
  for (const event of [
    ...calls,
    {
      kind: "operator_action",
      detail: {
        action,
        accepted,
        ...(amount !== undefined ? { amount } : {}),
        ...(input.operator ? { operator: input.operator } : {}),
        ...(input.reason ? { reason: input.reason.slice(0, 200) } : {}),
        ...(input.requestKey ? { requestKey: input.requestKey } : {}),
        ...(accepted ? { actionId: outcome.action.action_id } : { failure: outcome.kind }),
      },
    },
  ]) {
    await deps.store.appendEvent(orderId, event);
  }
  if (accepted) return { status: 202, body: { accepted: true, actionId: outcome.action.action_id } };
  if (outcome.kind === "not_allowed") {
    return errorReply("ACTION_NOT_ALLOWED", `Checkout.com does not allow a ${action} on this payment now.`);
  }
  if (outcome.kind === "rejected") {
    const said = outcome.codes.map((code) => REFUSALS[code]).filter(Boolean);
    return errorReply(
      "INVALID_REQUEST",
      `Checkout.com refused the ${action}: ${said.length ? said.join("; ") : "it gave no reason a person can act on (see the order's timeline)"}.`,
      {
        issues: outcome.codes.map((code) => ({ path: "amount", message: code })),
      },
    );
  }
  return processorFailureReply(outcome, deps.logger, orderId);
}

/**
 * A request key seen before on this order. The same action and amount, accepted then: the same answer,
 * with nothing sent or recorded again. Another action or amount: refused, because Checkout.com would
 * replay the first answer for the key, and the order's record would show money that never moved.
 * The same request that failed before is sent again (Checkout.com keeps no failed request either).
 */
function sameRequest(
  actions: TimelineEntry[],
  requestKey: string,
  action: OperatorAction,
  amount: number | undefined,
): ApiReply | undefined {
  const before = actions.filter((e) => e.detail.requestKey === requestKey);
  const first = before[0];
  if (!first) return undefined;
  if (first.detail.action !== action || first.detail.amount !== amount) {
    const was = typeof first.detail.amount === "number" ? ` of ${first.detail.amount} minor units` : "";
    return errorReply(
      "IDEMPOTENCY_KEY_REUSED",
      `This Idempotency-Key was sent for a ${String(first.detail.action)}${was}; send a new key for another request.`,
    );
  }
  const accepted = before.find((e) => e.detail.accepted === true);
  return accepted ? { status: 202, body: { accepted: true, actionId: accepted.detail.actionId } } : undefined;
}

/**
 * Refuses, before Checkout.com is asked, an amount above what the payment has left: to refund,
 * what was captured less what was refunded; to capture, what is authorized and not yet captured
 * (Checkout.com's balances). When Checkout.com cannot be asked now, it decides itself.
 */
async function balanceBound(
  deps: OrderDeps,
  paymentId: string,
  action: "capture" | "refund",
  amount: number,
): Promise<ApiReply | undefined> {
  const lookup = await deps.processor.getPayment(paymentId);
  if (lookup.kind !== "found") return undefined;
  const balances = lookup.payment.balances;
  const available = action === "refund" ? balances?.available_to_refund : balances?.available_to_capture;
  if (available === undefined || amount <= available) return undefined;
  const currency = lookup.payment.currency;
  return errorReply(
    "AMOUNT_INVALID",
    available === 0
      ? `Nothing is left to ${action} on this payment.`
      : `At most ${formatMoney(available, currency)} can be ${action === "refund" ? "refunded" : "captured"} on this payment; ${formatMoney(amount, currency)} is more.`,
    { available, issues: [{ path: "amount", message: "more than the payment's balance" }] },
  );
}

/**
 * A refund after a chargeback: the cardholder's bank already returned that money to them, so only
 * what was not charged back may be refunded, or they are paid twice. Refused before Checkout.com is
 * asked to refund; a refund of "all of it" is refused too, since Checkout.com would count the charged
 * back money in. When the payment cannot be looked up, nothing is refunded: the bound is unknown.
 */
async function chargebackBound(
  deps: OrderDeps,
  paymentId: string,
  chargedBack: number,
  amount: number | undefined,
): Promise<ApiReply | undefined> {
  const lookup = await deps.processor.getPayment(paymentId);
  if (lookup.kind !== "found")
    return errorReply(
      "ACTION_NOT_ALLOWED",
      "This payment was charged back and Checkout.com cannot be asked what is left now; nothing was refunded.",
    );
  const { currency, balances } = lookup.payment;
  const available = Math.max(0, (balances?.available_to_refund ?? 0) - chargedBack);
  const returned = `The cardholder's bank already returned ${formatMoney(chargedBack, currency)} to them (a chargeback): refunding that would pay them twice.`;
  if (available === 0)
    return errorReply("ACTION_NOT_ALLOWED", `${returned} Nothing else is left to refund on this payment.`, {
      available,
    });
  if (amount !== undefined && amount <= available) return undefined;
  return errorReply(
    "AMOUNT_INVALID",
    `${returned} Only what was not charged back may be refunded: at most ${formatMoney(available, currency)}.`,
    { available, issues: [{ path: "amount", message: "more than what was not charged back" }] },
  );
}

/**
 * Ends a risk review: the order takes the payment's status as Checkout.com reports it now (authorized,
 * or captured if the capture landed during the review), and fulfilment hears `released`.
 */
export async function releaseReview(deps: OrderDeps, orderId: string, operator?: string): Promise<ApiReply> {
  const attempt = await chargedAttempt(deps, orderId);
  if (!attempt?.paymentId) return errorReply("ORDER_NOT_FOUND", "This order has no payment to release.");
  if (attempt.status !== "needs_review") {
    return errorReply("ACTION_NOT_ALLOWED", `This order is not in review (it is ${attempt.status}).`);
  }
  const lookup = await deps.processor.getPayment(attempt.paymentId);
  const events = lookup.calls.map((call) => ({ kind: "processor_call", detail: { ...call } }));
  if (lookup.kind !== "found") {
    for (const event of events) await deps.store.appendEvent(orderId, event);
    return processorFailureReply(
      lookup.kind === "not_found" ? { kind: "unavailable", reason: "payment not found" } : lookup,
      deps.logger,
      orderId,
    );
  }
  const truth = signalFromPayment(lookup.payment) ?? "authorized";
  const settled = await settle(
    deps,
    attempt,
    { kind: "released", truth },
    {
      source: "operator",
      detail: { action: "release", ...(operator ? { operator } : {}), paymentStatus: lookup.payment.status },
      events,
    },
  );
  if (!settled.changed) return errorReply("ACTION_NOT_ALLOWED", "This order is no longer in review.");
  const now =
    settled.attempt.status === "authorized" ? await caughtUp(deps, settled.attempt) : settled.attempt;
  return { status: 200, body: { released: true, status: now.status } };
}

/**
 * News that came while the order was held (a capture between our lookup and the release) was set
 * aside then; one more look after the release, whose news from now on applies as usual, catches it.
 */
async function caughtUp(deps: OrderDeps, attempt: Attempt): Promise<Attempt> {
  if (!attempt.paymentId) return attempt;
  const lookup = await deps.processor.getPayment(attempt.paymentId);
  const events = lookup.calls.map((call) => ({ kind: "processor_call", detail: { ...call } }));
  const signal = lookup.kind === "found" ? signalFromPayment(lookup.payment) : undefined;
  if (lookup.kind !== "found" || !signal || signal === "authorized" || signal === "flagged") {
    for (const event of events) await deps.store.appendEvent(attempt.orderId, event);
    return attempt;
  }
  const observed = { amount: lookup.payment.amount, currency: lookup.payment.currency };
  const settled = await settle(
    deps,
    attempt,
    { kind: "signal", signal },
    { source: "reconciliation", events, observed, detail: { after: "release" } },
  );
  return settled.attempt;
}
