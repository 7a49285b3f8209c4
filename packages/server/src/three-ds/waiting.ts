import type { Attempt } from "../orders/model.js";
import { type SettleDeps, type SettleInput, settle } from "../orders/settle.js";
import { signalFromPayment } from "../orders/signal-from-payment.js";

type Deps = SettleDeps;

/** Whether an attempt is parked on the issuer's 3-D Secure page and still speaks for its order. */
export function isWaitingForThreeDs(
  attempt: Attempt | undefined,
): attempt is Attempt & { paymentId: string } {
  return attempt?.status === "requires_action" && !attempt.abandonedAt && attempt.paymentId !== undefined;
}

/**
 * The shopper is back at the checkout (Back or reload on the issuer page, a second tab) while an
 * attempt waits for 3-D Secure: ask Checkout.com what became of it rather than guessing. A finished
 * payment is applied like any news; one still pending is abandoned when `abandon` says the shopper
 * is paying another way now, and if it is approved later anyway the settle step reverses it.
 * Returns the attempt as stored afterwards.
 */
export async function settleWaitingThreeDs(
  deps: Deps,
  attempt: Attempt & { paymentId: string },
  source: SettleInput["source"],
  abandon: boolean,
): Promise<Attempt> {
  const lookup = await deps.processor.getPayment(attempt.paymentId);
  const events = lookup.calls.map((call) => ({ kind: "processor_call", detail: { ...call, source } }));
  if (lookup.kind !== "found") {
    for (const event of events) await deps.store.appendEvent(attempt.orderId, event);
    return attempt;
  }
  const payment = lookup.payment;
  const signal = signalFromPayment(payment);
  const input: SettleInput = {
    source,
    detail: { paymentId: payment.id, paymentStatus: payment.status },
    events,
    observed: { amount: payment.amount, currency: payment.currency, flagged: payment.risk?.flagged === true },
    ...(payment.response_code ? { patch: { responseCode: payment.response_code } } : {}),
  };
  if (signal) return (await settle(deps, attempt, { kind: "signal", signal }, input)).attempt;
  if (abandon) return (await settle(deps, attempt, { kind: "abandoned" }, input)).attempt;
  for (const event of events) await deps.store.appendEvent(attempt.orderId, event);
  return attempt;
}
