import {
  CONFIRM_STATUS,
  type ConfirmRequest,
  type ConfirmResponse,
  classifyResponseCode,
  confirmRequestSchema,
  declineMessage,
  type HandoffErrorCode,
  type PaymentRequest,
  toRequestIssues,
} from "@handoff/contracts";
import type { TransactionHandle } from "../db/sql-client.js";
import type { HandoffDeps } from "../deps.js";
import type { PricedCart, StockShortfall } from "../inventory/port.js";
import { newId } from "../new-id.js";
import { matchesCart } from "../orders/from-cart.js";
import {
  type Attempt,
  isInFlight,
  isPaid,
  mayStillCharge,
  type Order,
  orderStatusOf,
  paymentStatusOf,
  type StoredResult,
} from "../orders/model.js";
import { type SettleInput, settle } from "../orders/settle.js";
import { processorFailureReply } from "../processor/failure-reply.js";
import { type ApiReply, errorReply, rateLimitedReply } from "../reply.js";
import type { TimelineEvent } from "../store/port.js";
import { isWaitingForThreeDs, settleWaitingThreeDs } from "../three-ds/waiting.js";

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

/** Same order, same token: the same key, so a retry can never charge twice. */
export function idempotencyKeyFor(orderId: string, processorToken: string): string {
  return `handoff:${orderId}:${processorToken}`;
}

function answerAgain(result: StoredResult): ApiReply {
  return { status: result.status, body: result.body };
}

/**
 * `POST …/confirm {cartId, processorToken}`: turns a token into a correctly charged order,
 * exactly once. The amount comes from the cart, priced here; the browser never sends it.
 */
export interface ConfirmContext {
  /** The shopper's language (Accept-Language), for decline messages. */
  locale?: string | undefined;
  /** Who is asking (the client's IP), for the card-testing limit. */
  client?: string | undefined;
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
  const request = parsed.data;
  const { cartId, processorToken } = request;

  // Three independent reads, at once (a round trip each on PostgreSQL); nothing is decided on
  // them that is not read again under the order's lock.
  const [known, cart, order] = await Promise.all([
    deps.store.attemptByToken(processorToken),
    deps.inventory.priceCart(cartId),
    deps.store.findOrderByCart(cartId),
  ]);
  // The same token again (a double click, a retry after a timeout): answer what we answered.
  if (known) return confirmAgain(known, cartId, deps, context.locale);

  const now = deps.now().getTime();
  if (!cart || cart.lines.length === 0 || cart.total === 0 || !order) {
    // Refused before any order is locked: the try is counted on its own, and a client over its
    // limit hears that first, as on every other path.
    if (await deps.velocity?.clientBlocked(context.client, now))
      return clientLimited(deps, context.client, now);
    if (!cart) return errorReply("CART_NOT_FOUND", `No cart ${cartId}.`);
    if (cart.lines.length === 0 || cart.total === 0) return errorReply("CART_EMPTY", "The cart is empty.");
    // The session fixed what the shopper is shown; confirm charges exactly that or nothing.
    return errorReply(
      "CART_CHANGED",
      "No checkout session covers this cart. Load the checkout (POST …/session) before paying.",
    );
  }
  const opening: Opening = {
    cart,
    request,
    client: context.client,
    now,
    counted: false,
    settledWaiting: false,
  };
  let decided = await decideAndOpen(deps, order.id, opening);
  if (decided.kind === "waiting") {
    // Back from an unfinished 3-D Secure with another card: ask Checkout.com (outside the lock) what
    // became of it; settling frees the order, under its lock, only if that payment is still pending.
    // Then decide again; this try is counted already.
    await settleWaitingThreeDs(deps, decided.attempt, "confirm", true);
    decided = await decideAndOpen(deps, order.id, { ...opening, counted: true, settledWaiting: true });
  }
  switch (decided.kind) {
    case "opened":
      return charge(decided.order, decided.attempt, deps, context.locale, {
        deviceSessionId: request.deviceSessionId,
        paymentIp: context.client,
      });
    case "client_limited":
      return clientLimited(deps, context.client, now);
    case "cart_limited":
      return tooManyTries(decided.retryAfter, order.id);
    case "paid":
      // Already paid with another token (another tab won): say so, charge nothing.
      return approvedReply(order.id, decided.attempt);
    case "cart_changed":
      return errorReply(
        "CART_CHANGED",
        "The cart changed since checkout started. Please review it and pay again.",
        { orderId: order.id },
      );
    case "out_of_stock":
      return outOfStock(deps, order, decided.lines);
    case "completed":
      return errorReply("ORDER_COMPLETED", `This order is ${decided.status}.`, {
        orderId: order.id,
        orderUrl: deps.settings.orderPageUrl(order.id),
      });
    default:
      // "in_progress": another payment of this order may still be charged ("waiting" is never decided twice).
      return errorReply("ATTEMPT_IN_PROGRESS", "A payment for this order is already in progress.", {
        orderId: order.id,
      });
  }
}

/** Thrown inside the opening transaction so what it wrote (the attempt, the stock) rolls back with it. */
class Undone extends Error {
  constructor(readonly decision: Decision) {
    super(decision.kind);
  }
}

type Decision =
  | { kind: "opened"; order: Order; attempt: Attempt }
  | { kind: "paid"; attempt: Attempt }
  | { kind: "in_progress" | "cart_changed" | "client_limited" }
  | { kind: "cart_limited"; retryAfter: number }
  /** The latest attempt waits for 3-D Secure: Checkout.com is asked (outside the lock) before deciding. */
  | { kind: "waiting"; attempt: Attempt & { paymentId: string } }
  | { kind: "completed"; status: string }
  | { kind: "out_of_stock"; lines: StockShortfall[] };

/** What confirm opens an attempt from, and what of this try is already done. */
interface Opening {
  cart: PricedCart;
  request: ConfirmRequest;
  client: string | undefined;
  now: number;
  /** The client's try was counted already (in an earlier transaction of this confirm). */
  counted: boolean;
  /** Checkout.com was asked about the attempt waiting for 3-D Secure: decide on what is stored now. */
  settledWaiting: boolean;
}

/**
 * Every decision confirm takes about the order, taken in one transaction that holds the order's
 * lock and re-reads what it decides on: is the client or the cart over its card-testing limit, is
 * the order paid, is a payment of it open, is its price the one the shopper was shown. Then, still
 * inside, the attempt is opened at that price and the order's stock held, or neither. The client's
 * try is counted in the same transaction, so it costs no commit of its own; if the transaction
 * rolls back, it is counted again on its own. Nothing here calls Checkout.com.
 */
async function decideAndOpen(deps: HandoffDeps, orderId: string, opening: Opening): Promise<Decision> {
  const { cart, request, now } = opening;
  const counting = !opening.counted;
  let within: TransactionHandle | undefined;
  try {
    return await deps.store.transaction(async (tx): Promise<Decision> => {
      within = tx.handle;
      // The count leaves right behind the lock (one round trip on PostgreSQL, which pipelines them)
      // and runs once the lock is held, as every transaction that counts takes them: no two wait
      // crosswise.
      const [, blocked] = await Promise.all([
        tx.lockOrder(orderId),
        counting ? deps.velocity?.clientBlocked(opening.client, now, tx.handle) : false,
      ]);
      if (blocked) return { kind: "client_limited" };
      const order = await tx.orderById(orderId);
      if (!order) return { kind: "cart_changed" };
      const attempts = await tx.attemptsOfOrder(orderId);
      const cartWait = deps.velocity?.cartWait(attempts, now);
      if (cartWait !== undefined) {
        await tx.appendEvents(orderId, [{ kind: "confirm_refused", detail: { error: "RATE_LIMITED" } }]);
        return { kind: "cart_limited", retryAfter: cartWait };
      }
      const latest = attempts.at(-1);
      if (!opening.settledWaiting && isWaitingForThreeDs(latest)) return { kind: "waiting", attempt: latest };
      const status = orderStatusOf(latest);
      if (latest && isPaid(status) && latest.paymentId) return { kind: "paid", attempt: latest };
      if (mayStillCharge(latest)) return { kind: "in_progress" };
      if (status !== "pending" && status !== "declined") return { kind: "completed", status };
      const shown = request.amount !== undefined || request.currency !== undefined;
      const shownDiffers =
        shown && (request.amount !== order.amount || (request.currency ?? order.currency) !== order.currency);
      if (!matchesCart(order, cart) || shownDiffers) {
        await tx.appendEvents(orderId, [
          {
            kind: "confirm_refused",
            detail: {
              error: "CART_CHANGED",
              ...(shown ? { shown: { amount: request.amount, currency: request.currency } } : {}),
            },
          },
        ]);
        return { kind: "cart_changed" };
      }
      // The price is frozen on the attempt: whatever happens to the cart, this is what it charges.
      const at = deps.now().toISOString();
      const attempt: Attempt = {
        id: newId("att"),
        orderId,
        processorToken: request.processorToken,
        idempotencyKey: idempotencyKeyFor(orderId, request.processorToken),
        status: "processing",
        riskFlagged: false,
        amount: order.amount,
        currency: order.currency,
        createdAt: at,
        updatedAt: at,
      };
      // The attempt and the stock read leave together (one round trip on PostgreSQL). A refused
      // attempt aborts the transaction there, failing the read; either way it rolls back, the try
      // counted again.
      const [opened, held] = await Promise.allSettled([
        tx.insertAttempt(attempt),
        deps.inventory.reserve(order.id, order.lines, tx.handle),
      ]);
      if (opened.status === "rejected") throw opened.reason;
      if (opened.value !== "opened") throw new Undone({ kind: "in_progress" });
      if (held.status === "rejected") throw held.reason;
      if (!held.value.ok) throw new Undone({ kind: "out_of_stock", lines: held.value.lines });
      const lines = order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
      await tx.appendEvents(order.id, [
        {
          kind: "attempt_started",
          detail: { attemptId: attempt.id, amount: attempt.amount, currency: attempt.currency },
        },
        { kind: "stock_reserved", detail: { lines } },
      ]);
      return { kind: "opened", order, attempt };
    });
  } catch (error) {
    // Whatever the transaction counted rolled back with it. Should the store fail again, the first
    // failure is the one to answer with.
    if (counting) await deps.velocity?.clientRolledBack(opening.client, now, within).catch(() => undefined);
    if (error instanceof Undone) return error.decision;
    throw error;
  }
}

/** A client over its limit: 429 with the seconds until it may confirm again. */
async function clientLimited(deps: HandoffDeps, client: string | undefined, now: number): Promise<ApiReply> {
  return tooManyTries((await deps.velocity?.clientRetryAfter(client, now)) ?? 1);
}

function tooManyTries(retryAfter: number, orderId?: string): ApiReply {
  return rateLimitedReply(
    "Too many payment attempts. Please wait a few minutes before trying again.",
    retryAfter,
    orderId ? { orderId } : {},
  );
}

function stored(reply: ApiReply): StoredResult {
  return { status: reply.status, body: reply.body as Record<string, unknown> };
}

function approvedReply(orderId: string, attempt: Attempt): ApiReply {
  const review = paymentStatusOf(attempt) === "needs_review";
  return {
    status: CONFIRM_STATUS.approved,
    body: {
      status: "approved",
      orderId,
      paymentId: attempt.paymentId,
      ...(review ? { needsReview: true } : {}),
    },
  };
}

async function outOfStock(deps: HandoffDeps, order: Order, short: StockShortfall[]): Promise<ApiReply> {
  await deps.store.appendEvent(order.id, { kind: "stock_refused", detail: { lines: short } });
  const names = short.map((l) => l.name ?? l.sku).join(", ");
  return errorReply("OUT_OF_STOCK", `Not enough stock for ${names}.`, { lines: short, orderId: order.id });
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
  if (known.result) return answerAgain(known.result);
  return answerFromAttempt(order, known, locale);
}

/** The answer for an attempt whose request never got one (a webhook or the sweep settled it). */
function answerFromAttempt(order: Order, attempt: Attempt, locale?: string): ApiReply {
  const status = paymentStatusOf(attempt);
  if (isPaid(status) && attempt.paymentId) return approvedReply(order.id, attempt);
  if (status === "declined") {
    return {
      status: CONFIRM_STATUS.declined,
      body: declineBody(order.id, attempt.responseCode ?? "20005", locale),
    };
  }
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

/** What the shopper's browser tells the risk engine: Flow's device session and the client's IP. */
interface RiskSignals {
  deviceSessionId?: string | undefined;
  paymentIp?: string | undefined;
}

async function charge(
  order: Order,
  attempt: Attempt,
  deps: HandoffDeps,
  locale?: string,
  risk: RiskSignals = {},
): Promise<ApiReply> {
  const channel = deps.settings.processingChannelFor(attempt.currency);
  const ip = risk.paymentIp?.replace(/^::ffff:/, "");
  const request: PaymentRequest = {
    source: {
      type: "token",
      token: attempt.processorToken,
      ...(order.billing ? { billing_address: { country: order.billing.country } } : {}),
    },
    ...(order.customer ? { customer: order.customer } : {}),
    ...(ip ? { payment_ip: ip } : {}),
    amount: attempt.amount,
    currency: attempt.currency,
    reference: order.id,
    payment_type: "Regular",
    capture: true,
    metadata: { AccelerateToken: attempt.processorToken },
    ...(channel ? { processing_channel_id: channel } : {}),
    ...(risk.deviceSessionId ? { risk: { enabled: true, device_session_id: risk.deviceSessionId } } : {}),
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
  const answer = async (
    reply: ApiReply,
    change: Parameters<typeof settle>[2],
    input: Omit<SettleInput, "source" | "events">,
  ): Promise<ApiReply> => {
    await settle(deps, attempt, change, {
      source: "confirm",
      events,
      ...input,
      patch: { ...input.patch, result: stored(reply) },
    });
    return reply;
  };

  if (outcome.kind === "processed") {
    const payment = outcome.payment;
    const observed = { amount: payment.amount, currency: payment.currency };
    const wallet = payment.source?.card_wallet_type;
    const seen = { paymentId: payment.id, responseCode: payment.response_code };
    // The timeline says which wallet paid, when one did.
    const said = wallet ? { ...seen, wallet } : seen;
    // The card, for operators to find the order by (last four only; never more of the number).
    const card = {
      ...(payment.source?.last4 ? { cardLast4: payment.source.last4 } : {}),
      ...(payment.source?.scheme ? { cardScheme: payment.source.scheme } : {}),
      ...(wallet ? { cardWallet: wallet } : {}),
    };
    if (payment.approved && (payment.amount !== attempt.amount || payment.currency !== attempt.currency)) {
      // Never what we asked for: settling sets it aside and reverses it; the shopper is not told "paid".
      const reply = errorReply(
        "PROCESSOR_REJECTED",
        "The payment could not be completed, and any amount taken is being returned. Please try again.",
        { orderId: order.id },
      );
      return answer(reply, { kind: "signal", signal: "authorized" }, { detail: seen, observed, patch: seen });
    }
    if (payment.approved) {
      const flagged = payment.risk?.flagged === true;
      const body: ConfirmResponse = {
        status: "approved",
        orderId: order.id,
        paymentId: payment.id,
        ...(flagged ? { needsReview: true } : {}),
      };
      return answer(
        { status: CONFIRM_STATUS.approved, body },
        { kind: "signal", signal: flagged ? "flagged" : "authorized" },
        { detail: said, observed, patch: { ...seen, ...card } },
      );
    }
    return answer(
      { status: CONFIRM_STATUS.declined, body: declineBody(order.id, payment.response_code, locale) },
      { kind: "signal", signal: "declined" },
      { detail: { ...said, summary: payment.response_summary }, patch: { ...seen, ...card } },
    );
  }

  if (outcome.kind === "pending") {
    const redirectUrl = outcome.payment._links.redirect.href;
    return answer(
      {
        status: CONFIRM_STATUS.requires_action,
        body: { status: "requires_action", orderId: order.id, redirectUrl },
      },
      { kind: "signal", signal: "requires_action" },
      { detail: { paymentId: outcome.payment.id }, patch: { paymentId: outcome.payment.id, redirectUrl } },
    );
  }

  if (outcome.kind === "unavailable") {
    // Checkout.com may or may not have charged: keep the stock and the key, let a retry or the sweep
    // find out. A webhook may have told us meanwhile; then that answer stands and is given.
    const settled = await settle(
      deps,
      attempt,
      { kind: "unknown" },
      {
        source: "confirm",
        events: [...events, { kind: "outcome_unknown", detail: { reason: outcome.reason } }],
      },
    );
    if (!settled.changed && !isInFlight(settled.attempt))
      return answerFromAttempt(order, settled.attempt, locale);
    return processorFailureReply(outcome, deps.logger, order.id);
  }

  const tokenError =
    outcome.kind === "rejected" ? outcome.codes.map((c) => TOKEN_ERRORS[c]).find(Boolean) : undefined;
  if (tokenError) {
    const body = { error: tokenError, message: TOKEN_MESSAGES[tokenError], orderId: order.id };
    return answer({ status: 422, body }, { kind: "not_charged" }, { detail: { error: tokenError } });
  }
  const reply = processorFailureReply(outcome, deps.logger, order.id);
  return answer(
    reply,
    { kind: "not_charged" },
    {
      detail: { failure: outcome.kind, ...(outcome.kind === "rejected" ? { codes: outcome.codes } : {}) },
    },
  );
}
