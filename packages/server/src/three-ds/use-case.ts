import { sessionIdSchema } from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import { isPaid } from "../orders/model.js";
import { settle } from "../orders/settle.js";
import { signalFromPayment } from "../orders/signal-from-payment.js";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply } from "../reply.js";

/**
 * `GET …/3ds-return?cko-session-id=sid_…`: the shopper is back from their bank. Look the payment
 * up (never trust the query string alone), apply what it says, and send them on: to the order page
 * when it went through, back to the checkout (with the card form and the reason) when it did not.
 */
export async function threeDsReturn(query: URLSearchParams, deps: HandoffDeps): Promise<ApiReply> {
  const parsed = sessionIdSchema.safeParse(query.get("cko-session-id"));
  if (!parsed.success) {
    return errorReply("INVALID_REQUEST", "cko-session-id must be the sid_… Checkout.com returned with.", {
      issues: [{ path: "cko-session-id", message: parsed.error.issues[0]?.message ?? "invalid" }],
    });
  }
  const outcome = await deps.processor.getPayment(parsed.data);
  if (outcome.kind === "not_found")
    return errorReply("NOT_FOUND", "Checkout.com does not know this session.");
  if (outcome.kind !== "found") return processorFailureReply(outcome, deps.logger, "unknown");

  const payment = outcome.payment;
  let attempt = await deps.store.attemptByPaymentId(payment.id);
  if (!attempt) return errorReply("ORDER_NOT_FOUND", "No order matches this payment.");
  const calls = outcome.calls.map((call) => ({ kind: "processor_call", detail: { ...call } }));
  const signal = signalFromPayment(payment);
  if (signal) {
    const settled = await settle(
      deps,
      attempt,
      { kind: "signal", signal },
      {
        source: "3ds_return",
        detail: { paymentId: payment.id, paymentStatus: payment.status },
        events: calls,
        observed: {
          amount: payment.amount,
          currency: payment.currency,
          flagged: payment.risk?.flagged === true,
        },
        ...(payment.response_code ? { patch: { responseCode: payment.response_code } } : {}),
      },
    );
    attempt = settled.attempt;
  } else {
    for (const call of calls) await deps.store.appendEvent(attempt.orderId, call);
  }
  const order = await deps.store.getOrder(attempt.orderId);
  const failed = attempt.status === "declined" && !attempt.abandonedAt;
  // A payment the order no longer counts (the cart changed meanwhile; it is being given back): the
  // shopper pays the cart as it is now, from the checkout, rather than staring at an unpaid order.
  const setAside = attempt.abandonedAt !== undefined && order !== undefined && !isPaid(order.status);
  const location =
    (failed || setAside) && order && deps.settings.checkoutPageUrl
      ? deps.settings.checkoutPageUrl(order.cartId)
      : deps.settings.orderPageUrl(attempt.orderId);
  return { status: 303, headers: { location } };
}
