import {
  classifyResponseCode,
  declineMessage,
  formatMoney,
  sessionRequestSchema,
  toRequestIssues,
} from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import { matchesCart, orderForCart } from "../orders/from-cart.js";
import { isInFlight, isPaid, orderStatusOf } from "../orders/model.js";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply } from "../reply.js";
import { isWaitingForThreeDs, settleWaitingThreeDs } from "../three-ds/waiting.js";

/**
 * `POST …/session {cartId}`: prices the cart on the server, keeps the cart's order in step with
 * it, and opens a Checkout.com payment session for exactly that amount.
 */
export async function createSession(input: unknown, deps: HandoffDeps, locale?: string): Promise<ApiReply> {
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
  let latest = (await deps.store.attemptsOfOrder(order.id)).at(-1);
  // Back from the issuer page (Back, reload, another tab): what became of that payment? A pending one
  // stays open until the shopper pays another way, so finishing 3-D Secure in the other tab still works.
  if (isWaitingForThreeDs(latest)) latest = await settleWaitingThreeDs(deps, latest, "session", false);
  const status = orderStatusOf(latest);
  if (isInFlight(latest)) {
    return errorReply("ATTEMPT_IN_PROGRESS", "A payment for this cart is already in progress.", {
      orderId: order.id,
    });
  }
  if (isPaid(status) || (status !== "pending" && status !== "declined" && status !== "requires_action")) {
    return errorReply("ORDER_COMPLETED", "This cart has already been paid for.", {
      orderId: order.id,
      orderUrl: deps.settings.orderPageUrl(order.id),
    });
  }
  // Who pays: what the merchant's checkout sent, or what its server knows (a signed-in customer).
  const requested = { customer: parsed.data.customer, billing: parsed.data.billing };
  const details = deps.sessionDetails
    ? await deps.sessionDetails({ cartId: cart.cartId, ...requested })
    : requested;
  const customer = details.customer ?? order.customer;
  const billing = details.billing ?? order.billing;
  const sameDetails =
    customer?.email === order.customer?.email &&
    customer?.name === order.customer?.name &&
    billing?.country === order.billing?.country;
  if (!matchesCart(order, cart) || !sameDetails) {
    const draft = { amount: cart.total, currency: cart.currency, lines: cart.lines, customer, billing };
    await deps.store.updateOrderDraft(order.id, draft);
    order = { ...order, ...draft };
  }

  const channel = deps.settings.processingChannelFor(order.currency);
  const outcome = await deps.processor.createPaymentSession({
    amount: order.amount,
    currency: order.currency,
    reference: order.id,
    ...(channel ? { processing_channel_id: channel } : {}),
    ...(order.billing ? { billing: { address: { country: order.billing.country } } } : {}),
    ...(order.customer ? { customer: order.customer } : {}),
    success_url: deps.settings.threeDsReturnUrl,
    failure_url: deps.settings.threeDsReturnUrl,
  });
  for (const call of outcome.calls)
    await deps.store.appendEvent(order.id, { kind: "processor_call", detail: { ...call } });
  if (outcome.kind !== "created") return processorFailureReply(outcome, deps.logger, order.id);

  // A shopper sent back here by a failed 3-D Secure is told why, above a fresh card form.
  const notice =
    latest?.status === "declined" && latest.redirectUrl && !latest.abandonedAt
      ? {
          code: latest.responseCode ?? "20151",
          message: declineMessage(threeDsReason(latest.responseCode), locale),
        }
      : undefined;
  return {
    status: 200,
    body: {
      paymentSession: outcome.session,
      publicKey: deps.settings.publicKey,
      environment: deps.settings.environment,
      amount: order.amount,
      currency: order.currency,
      amountText: amountText(order.amount, order.currency, locale),
      ...(deps.settings.componentsScriptUrl
        ? { componentsScriptUrl: deps.settings.componentsScriptUrl }
        : {}),
      ...(notice ? { notice } : {}),
    },
  };
}

/** In the shopper's language when the runtime knows it, else British English; never a failure. */
function amountText(amount: number, currency: string, locale: string | undefined): string {
  try {
    return formatMoney(amount, currency, locale ?? "en-GB");
  } catch {
    return formatMoney(amount, currency, "en-GB");
  }
}

function threeDsReason(code: string | undefined) {
  return classifyResponseCode(code ?? "20151").reason ?? "authentication_failed";
}
