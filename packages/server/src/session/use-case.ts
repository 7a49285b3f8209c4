import {
  type CheckoutBilling,
  type CheckoutCustomer,
  classifyResponseCode,
  declineMessage,
  formatMoney,
  sessionRequestSchema,
  toRequestIssues,
} from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import type { PricedCart } from "../inventory/port.js";
import { matchesCart, orderForCart } from "../orders/from-cart.js";
import { type Attempt, isInFlight, mayStillCharge, type Order, orderStatusOf } from "../orders/model.js";
import { settle } from "../orders/settle.js";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply } from "../reply.js";
import { isWaitingForThreeDs, settleWaitingThreeDs } from "../three-ds/waiting.js";
import type { KeptPaymentSession } from "./payment-sessions.js";

/** A kept payment session is reused for at most this long; Checkout.com's own expire later. */
const REUSE_PAYMENT_SESSION_MS = 30 * 60_000;

/**
 * `POST …/session {cartId}`: prices the cart on the server, keeps the cart's order in step with
 * it, and opens a Checkout.com payment session for exactly that amount, or reuses the one opened
 * last while the cart, the shopper's details and the last attempt are unchanged. Floods meet
 * limits: session requests per client (`client`, the trusted-proxy address) and new payment
 * sessions per cart, answered 429 `RATE_LIMITED` with `Retry-After`.
 */
export async function createSession(
  input: unknown,
  deps: HandoffDeps,
  locale?: string,
  client?: string,
): Promise<ApiReply> {
  const parsed = sessionRequestSchema.safeParse(input);
  if (!parsed.success) {
    return errorReply("INVALID_REQUEST", "The session request is not valid.", {
      issues: toRequestIssues(parsed.error),
    });
  }
  const clientWait = await deps.velocity?.sessionClientWait(client, deps.now().getTime());
  if (clientWait) return rateLimited(clientWait);
  const cart = await deps.inventory.priceCart(parsed.data.cartId);
  if (!cart) return errorReply("CART_NOT_FOUND", `No cart ${parsed.data.cartId}.`);
  if (cart.lines.length === 0 || cart.total === 0) return errorReply("CART_EMPTY", "The cart is empty.");

  const created = await orderForCart(deps, cart);
  let latest = (await deps.store.attemptsOfOrder(created.id)).at(-1);
  // Back from the issuer page (Back, reload, another tab): what became of that payment? A pending one
  // stays open until the shopper pays another way, so finishing 3-D Secure in the other tab still works.
  if (isWaitingForThreeDs(latest)) latest = await settleWaitingThreeDs(deps, latest, "session", false);
  // Who pays: what the merchant's checkout sent, or what its server knows (a signed-in customer).
  const requested = { customer: parsed.data.customer, billing: parsed.data.billing };
  const details = deps.sessionDetails
    ? await deps.sessionDetails({ cartId: cart.cartId, ...requested })
    : requested;

  // The cart has had its share of new payment sessions: only the one it has may be served again,
  // and a request for anything else is refused before it changes the order.
  const cartWait = await deps.velocity?.sessionCartWait(cart.cartId, deps.now().getTime());
  if (cartWait) {
    const kept = await deps.paymentSessions?.get(created.id);
    const asked = {
      ...created,
      customer: details.customer ?? created.customer,
      billing: details.billing ?? created.billing,
    };
    const channel = deps.settings.processingChannelFor(created.currency);
    const same =
      kept !== undefined &&
      matchesCart(created, cart) &&
      reusable(kept, fingerprintOf(asked, channel, latest), deps.now());
    if (!same) return rateLimited(cartWait);
  }

  const decided = await keepOrderInStep(deps, created.id, cart, details);
  if (decided.kind === "in_progress") {
    return errorReply(
      "ATTEMPT_IN_PROGRESS",
      "A payment for this cart is in progress: wait for its answer before changing the cart.",
      { orderId: created.id, retryable: true },
    );
  }
  if (decided.kind !== "ready") {
    return errorReply("ORDER_COMPLETED", "This cart has already been paid for.", {
      orderId: created.id,
      orderUrl: deps.settings.orderPageUrl(created.id),
    });
  }
  const order = decided.order;
  latest = decided.latest;

  const channel = deps.settings.processingChannelFor(order.currency);
  const fingerprint = fingerprintOf(order, channel, latest);
  const at = deps.now();
  const kept = await deps.paymentSessions?.get(order.id);
  let session = kept && reusable(kept, fingerprint, at) ? kept.session : undefined;
  if (!session) {
    const cartWait = await deps.velocity?.sessionCartTake(cart.cartId, at.getTime());
    if (cartWait) return rateLimited(cartWait);
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
    session = outcome.session;
    await deps.paymentSessions?.put(order.id, { fingerprint, session, createdAt: at.toISOString() });
  }

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
      paymentSession: session,
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

/** What a payment session was opened for: the price, the lines, who pays, the channel, the attempt before it. */
function fingerprintOf(
  order: Pick<Order, "amount" | "currency" | "lines" | "customer" | "billing">,
  channel: string | undefined,
  latest: Attempt | undefined,
): string {
  return JSON.stringify([
    order.amount,
    order.currency,
    order.lines,
    order.customer ?? null,
    order.billing?.country ?? null,
    channel ?? null,
    latest ? [latest.id, latest.status] : null,
  ]);
}

function reusable(kept: KeptPaymentSession, fingerprint: string, now: Date): boolean {
  return (
    kept.fingerprint === fingerprint && now.getTime() - Date.parse(kept.createdAt) < REUSE_PAYMENT_SESSION_MS
  );
}

/** 429 with `Retry-After`: the same stable code as confirm's card-testing limit. */
function rateLimited(seconds: number): ApiReply {
  const reply = errorReply(
    "RATE_LIMITED",
    "Too many checkout sessions. Please wait a moment before trying again.",
    { retryable: true, retryAfter: seconds },
  );
  return { ...reply, headers: { "retry-after": String(seconds) } };
}

type Details = { customer?: CheckoutCustomer | undefined; billing?: CheckoutBilling | undefined };

type InStep =
  | { kind: "ready"; order: Order; latest: Attempt | undefined }
  | { kind: "in_progress" | "completed" };

/**
 * Brings the order in step with the cart as priced now, under the order's lock, re-reading the
 * order and its latest attempt. The price is frozen while a payment may still be charged: a charge
 * in flight refuses the change; a 3-D Secure the shopper has not finished is abandoned first (its
 * own settle step, which reverses the payment should it be approved after all), then this looks
 * again. Who pays (email, name, country) may change any time before payment.
 */
async function keepOrderInStep(
  deps: HandoffDeps,
  orderId: string,
  cart: PricedCart,
  details: Details,
): Promise<InStep> {
  for (let look = 0; ; look++) {
    const step = await deps.store.transaction(async (tx) => {
      await tx.lockOrder(orderId);
      const order = await tx.orderById(orderId);
      if (!order) throw new Error(`order ${orderId} does not exist`);
      const latest = (await tx.attemptsOfOrder(orderId)).at(-1);
      const status = orderStatusOf(latest);
      if (isInFlight(latest)) return { kind: "in_progress" as const };
      if (status !== "pending" && status !== "declined" && status !== "requires_action") {
        return { kind: "completed" as const };
      }
      const customer = details.customer ?? order.customer;
      const billing = details.billing ?? order.billing;
      const samePrice = matchesCart(order, cart);
      const sameDetails =
        customer?.email === order.customer?.email &&
        customer?.name === order.customer?.name &&
        billing?.country === order.billing?.country;
      if (samePrice && sameDetails) return { kind: "ready" as const, order, latest };
      if (!samePrice && mayStillCharge(latest)) return { kind: "abandon" as const, latest };
      const draft = samePrice
        ? { amount: order.amount, currency: order.currency, lines: order.lines, customer, billing }
        : { amount: cart.total, currency: cart.currency, lines: cart.lines, customer, billing };
      await tx.updateOrderDraft(order.id, draft);
      return { kind: "ready" as const, order: { ...order, ...draft }, latest };
    });
    if (step.kind !== "abandon") return step;
    if (!step.latest || look >= 2) return { kind: "in_progress" };
    await settle(
      deps,
      step.latest,
      { kind: "abandoned" },
      { source: "session", detail: { why: "the cart changed while 3-D Secure was unfinished" } },
    );
  }
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
