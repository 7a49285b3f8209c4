import { sessionRequestSchema, toRequestIssues } from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import { matchesCart, orderForCart } from "../orders/from-cart.js";
import { orderStatusOf } from "../orders/model.js";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply } from "../reply.js";

/**
 * `POST …/session {cartId}`: prices the cart on the server, keeps the cart's order in step with
 * it, and opens a Checkout.com payment session for exactly that amount.
 */
export async function createSession(input: unknown, deps: HandoffDeps): Promise<ApiReply> {
  const parsed = sessionRequestSchema.safeParse(input);
  if (!parsed.success) {
    return errorReply("INVALID_REQUEST", "The session request is not valid.", {
      issues: toRequestIssues(parsed.error),
    });
  }
  const cart = await deps.inventory.priceCart(parsed.data.cartId);
  if (!cart) return errorReply("CART_NOT_FOUND", `No cart ${parsed.data.cartId}.`);
  if (cart.lines.length === 0 || cart.total === 0) return errorReply("CART_EMPTY", "The cart is empty.");

  let order = await orderForCart(deps, cart);
  const attempts = await deps.store.attemptsOfOrder(order.id);
  const latest = attempts.at(-1);
  const status = orderStatusOf(latest);
  if (latest?.status === "processing" || latest?.status === "unknown" || status === "requires_action") {
    return errorReply("ATTEMPT_IN_PROGRESS", "A payment for this cart is already in progress.", {
      orderId: order.id,
    });
  }
  if (status !== "pending" && status !== "declined") {
    return errorReply("ORDER_COMPLETED", "This cart has already been paid for.", { orderId: order.id });
  }
  if (!matchesCart(order, cart)) {
    await deps.store.updateOrderDraft(order.id, {
      amount: cart.total,
      currency: cart.currency,
      lines: cart.lines,
    });
    order = { ...order, amount: cart.total, currency: cart.currency, lines: cart.lines };
  }

  const channel = deps.settings.processingChannelFor(order.currency);
  const outcome = await deps.processor.createPaymentSession({
    amount: order.amount,
    currency: order.currency,
    reference: order.id,
    ...(channel ? { processing_channel_id: channel } : {}),
    success_url: deps.settings.threeDsReturnUrl,
    failure_url: deps.settings.threeDsReturnUrl,
  });
  for (const call of outcome.calls)
    await deps.store.appendEvent(order.id, { kind: "processor_call", detail: { ...call } });
  if (outcome.kind !== "created") return processorFailureReply(outcome, deps.logger, order.id);

  return {
    status: 200,
    body: {
      paymentSession: outcome.session,
      publicKey: deps.settings.publicKey,
      environment: deps.settings.environment,
      amount: order.amount,
      currency: order.currency,
      ...(deps.settings.componentsScriptUrl
        ? { componentsScriptUrl: deps.settings.componentsScriptUrl }
        : {}),
    },
  };
}
