import {
  CONFIRM_STATUS,
  type ConfirmResponse,
  classifyResponseCode,
  confirmRequestSchema,
  declineMessage,
  type HandoffErrorCode,
  type PaymentRequest,
  toRequestIssues,
} from "@handoff/contracts";
import type { HandoffDeps } from "../deps.js";
import { newId } from "../ids.js";
import type { StockShortfall } from "../inventory/port.js";
import { applySignal, recordAttempt } from "../orders/apply-signal.js";
import { matchesCart, orderForCart } from "../orders/from-cart.js";
import { type Attempt, type Order, orderStatusOf, type StoredResult } from "../orders/model.js";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply } from "../reply.js";
import type { TimelineEvent } from "../store/port.js";

/** A `processing` attempt older than this was cut off (a crash, a restart): charge again with its key. */
const ABANDONED_AFTER_MS = 60_000;

const TOKEN_ERRORS: Record<string, HandoffErrorCode> = {
  token_expired: "TOKEN_EXPIRED",
  token_used: "TOKEN_USED",
  token_invalid: "TOKEN_INVALID",
  token_required: "TOKEN_INVALID",
  source_token_invalid: "TOKEN_INVALID",
};
const TOKEN_MESSAGES: Record<string, string> = {
  TOKEN_EXPIRED: "The card details expired before payment. Please enter them again.",
  TOKEN_USED: "These card details were already used. Please enter them again.",
  TOKEN_INVALID: "The card details could not be read. Please enter them again.",
};

const PAID = new Set(["authorized", "needs_review", "captured", "partially_refunded", "refunded"]);

/** Same order, same token: the same key, so a retry can never charge twice. */
export function idempotencyKeyFor(orderId: string, processorToken: string): string {
  return `handoff:${orderId}:${processorToken}`;
}

function replay(result: StoredResult): ApiReply {
  return { status: result.status, body: result.body };
}

/**
 * `POST …/confirm {cartId, processorToken}`: turns a token into a correctly charged order,
 * exactly once. The amount comes from the cart, priced here; the browser never sends it.
 */
export interface ConfirmContext {
  /** The shopper's language (Accept-Language), for decline messages. */
  locale?: string | undefined;
}

export async function confirm(
  input: unknown,
  deps: HandoffDeps,
  context: ConfirmContext = {},
): Promise<ApiReply> {
  const parsed = confirmRequestSchema.safeParse(input);
  if (!parsed.success) {
    return errorReply("INVALID_REQUEST", "The confirm request is not valid.", {
      issues: toRequestIssues(parsed.error),
    });
  }
  const { cartId, processorToken } = parsed.data;

  // The same token again (a double click, a retry after a timeout): answer what we answered.
  const known = await deps.store.attemptByToken(processorToken);
  if (known) return confirmAgain(known, cartId, deps, context.locale);

  const cart = await deps.inventory.priceCart(cartId);
  if (!cart) return errorReply("CART_NOT_FOUND", `No cart ${cartId}.`);
  if (cart.lines.length === 0 || cart.total === 0) return errorReply("CART_EMPTY", "The cart is empty.");
  const order = await orderForCart(deps, cart);
  if (!matchesCart(order, cart)) {
    await deps.store.appendEvent(order.id, { kind: "confirm_refused", detail: { error: "CART_CHANGED" } });
    return errorReply(
      "CART_CHANGED",
      "The cart changed since checkout started. Please review it and pay again.",
      {
        orderId: order.id,
      },
    );
  }

  const attempts = await deps.store.attemptsOfOrder(order.id);
  const latest = attempts.at(-1);
  const status = orderStatusOf(latest);
  if (PAID.has(status) && latest?.paymentId) {
    // Already paid with another token: say so, charge nothing.
    return { status: 200, body: { status: "approved", orderId: order.id, paymentId: latest.paymentId } };
  }
  if (status === "requires_action" || latest?.status === "processing" || latest?.status === "unknown") {
    return errorReply("ATTEMPT_IN_PROGRESS", "A payment for this order is already in progress.", {
      orderId: order.id,
    });
  }
  if (status !== "pending" && status !== "declined") {
    return errorReply("ORDER_COMPLETED", `This order is ${status}.`, { orderId: order.id });
  }

  const at = deps.now().toISOString();
  const attempt: Attempt = {
    id: newId("att"),
    orderId: order.id,
    processorToken,
    idempotencyKey: idempotencyKeyFor(order.id, processorToken),
    status: "processing",
    riskFlagged: false,
    createdAt: at,
    updatedAt: at,
  };
  const sql = deps.inventory.sql;
  const lines = order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  // One durable write before charging: the attempt exists and, with SQL stock, its stock is held.
  const opened = await deps.store.openAttempt(
    attempt,
    [
      { kind: "attempt_started", detail: { attemptId: attempt.id } },
      ...(sql ? [{ kind: "stock_reserved", detail: { lines } }] : []),
    ],
    sql?.reserve(order.id, order.lines),
  );
  if (opened === "out_of_stock" && sql) return outOfStock(deps, order, await sql.shortfall(order.lines));
  if (opened !== "opened") {
    return errorReply("ATTEMPT_IN_PROGRESS", "A payment for this order is already in progress.", {
      orderId: order.id,
    });
  }
  if (!sql) {
    // The merchant's own inventory: hold the stock through the port once the attempt exists.
    const reserved = await deps.inventory.reserve(order.id, order.lines);
    if (!reserved.ok) {
      const reply = await outOfStock(deps, order, reserved.lines);
      await finish(deps, attempt, { status: reply.status, body: reply.body as Record<string, unknown> }, []);
      return reply;
    }
    await deps.store.appendEvent(order.id, { kind: "stock_reserved", detail: { lines } });
  }
  return charge(order, attempt, deps, context.locale);
}

async function outOfStock(deps: HandoffDeps, order: Order, short: StockShortfall[]): Promise<ApiReply> {
  await deps.store.appendEvent(order.id, { kind: "stock_refused", detail: { lines: short } });
  return errorReply("OUT_OF_STOCK", `Not enough stock for ${short.map((l) => l.sku).join(", ")}.`, {
    lines: short,
    orderId: order.id,
  });
}

async function confirmAgain(
  known: Attempt,
  cartId: string,
  deps: HandoffDeps,
  locale?: string,
): Promise<ApiReply> {
  const order = await deps.store.getOrder(known.orderId);
  if (!order || order.cartId !== cartId) {
    return errorReply("TOKEN_USED", TOKEN_MESSAGES.TOKEN_USED ?? "", { orderId: known.orderId });
  }
  const abandoned =
    known.status === "processing" && deps.now().getTime() - Date.parse(known.updatedAt) > ABANDONED_AFTER_MS;
  if (known.status === "unknown" || abandoned) return charge(order, known, deps, locale);
  if (known.status === "processing") {
    return errorReply("ATTEMPT_IN_PROGRESS", "This payment is still being processed.", { orderId: order.id });
  }
  if (known.result) return replay(known.result);
  // Settled later (a webhook, the sweep) for a request that never got its answer: answer from the status.
  if (PAID.has(known.status) && known.paymentId) {
    return { status: 200, body: { status: "approved", orderId: order.id, paymentId: known.paymentId } };
  }
  if (known.status === "declined")
    return {
      status: CONFIRM_STATUS.declined,
      body: declineBody(order.id, known.responseCode ?? "20005", locale),
    };
  return errorReply("ATTEMPT_IN_PROGRESS", "This payment is still being processed.", { orderId: order.id });
}

function declineBody(orderId: string, code: string, locale?: string): ConfirmResponse {
  const decline = classifyResponseCode(code);
  const reason = decline.reason ?? "generic_decline";
  return {
    status: "declined",
    orderId,
    code,
    reason,
    category: decline.category === "approved" ? "soft" : decline.category,
    retryable: decline.retryable,
    message: declineMessage(reason, locale),
  };
}

/** Records a final answer for an attempt that took no money (bad token, refused request). */
async function finish(deps: HandoffDeps, attempt: Attempt, result: StoredResult, events: TimelineEvent[]) {
  await recordAttempt(deps, attempt, { status: "failed", result }, { status: "pending" }, events, "release");
}

async function charge(order: Order, attempt: Attempt, deps: HandoffDeps, locale?: string): Promise<ApiReply> {
  const channel = deps.settings.processingChannelFor(order.currency);
  const request: PaymentRequest = {
    source: { type: "token", token: attempt.processorToken },
    amount: order.amount,
    currency: order.currency,
    reference: order.id,
    payment_type: "Regular",
    capture: true,
    metadata: { AccelerateToken: attempt.processorToken },
    ...(channel ? { processing_channel_id: channel } : {}),
    ...(deps.settings.threeDs
      ? {
          "3ds": { enabled: true },
          success_url: deps.settings.threeDsReturnUrl,
          failure_url: deps.settings.threeDsReturnUrl,
        }
      : {}),
  };
  const outcome = await deps.processor.requestPayment(request, attempt.idempotencyKey);
  const events: TimelineEvent[] = outcome.calls.map((call) => ({
    kind: "processor_call",
    detail: { ...call },
  }));

  // One durable write after charging: the answer, the status, the stock and the timeline together.
  // The attempt is its order's latest: no other can open while it is processing or unknown.
  if (outcome.kind === "processed") {
    const payment = outcome.payment;
    const seen = { paymentId: payment.id, responseCode: payment.response_code };
    if (payment.approved) {
      const flagged = payment.risk?.flagged === true;
      const body: ConfirmResponse = {
        status: "approved",
        orderId: order.id,
        paymentId: payment.id,
        ...(flagged ? { needsReview: true } : {}),
      };
      const result = { status: CONFIRM_STATUS.approved, body };
      await applySignal(
        deps,
        attempt,
        flagged ? "flagged" : "authorized",
        { source: "confirm", detail: seen },
        { events, patch: { ...seen, result }, isLatest: true },
      );
      return result;
    }
    const body = declineBody(order.id, payment.response_code, locale);
    const result = { status: CONFIRM_STATUS.declined, body };
    await applySignal(
      deps,
      attempt,
      "declined",
      { source: "confirm", detail: { ...seen, summary: payment.response_summary } },
      { events, patch: { ...seen, result }, isLatest: true },
    );
    return result;
  }

  if (outcome.kind === "pending") {
    const body: ConfirmResponse = {
      status: "requires_action",
      orderId: order.id,
      redirectUrl: outcome.payment._links.redirect.href,
    };
    const result = { status: CONFIRM_STATUS.requires_action, body };
    await applySignal(
      deps,
      attempt,
      "requires_action",
      { source: "confirm", detail: { paymentId: outcome.payment.id } },
      {
        events,
        patch: { paymentId: outcome.payment.id, redirectUrl: body.redirectUrl, result },
        isLatest: true,
      },
    );
    return result;
  }

  if (outcome.kind === "unavailable") {
    // Checkout.com may or may not have charged: keep the stock and the key, let a retry or the sweep find out.
    await deps.store.updateAttempt(attempt, { status: "unknown" }, undefined, [
      ...events,
      { kind: "outcome_unknown", detail: { reason: outcome.reason } },
    ]);
    return processorFailureReply(outcome, deps.logger, order.id);
  }

  const tokenError =
    outcome.kind === "rejected" ? outcome.codes.map((c) => TOKEN_ERRORS[c]).find(Boolean) : undefined;
  if (tokenError) {
    const body = { error: tokenError, message: TOKEN_MESSAGES[tokenError], orderId: order.id };
    await finish(deps, attempt, { status: 422, body }, [
      ...events,
      { kind: "token_refused", detail: { error: tokenError } },
    ]);
    return { status: 422, body };
  }
  const reply = processorFailureReply(outcome, deps.logger, order.id);
  await finish(deps, attempt, { status: reply.status, body: reply.body as Record<string, unknown> }, [
    ...events,
    {
      kind: "processor_refused",
      detail: { failure: outcome.kind, ...(outcome.kind === "rejected" ? { codes: outcome.codes } : {}) },
    },
  ]);
  return reply;
}
