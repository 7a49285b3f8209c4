import type { Component, OnTokenizedResult } from "@checkout.com/checkout-web-components";
import type { Answer } from "./api.js";
import { type Outcome, toOutcome } from "./outcome.js";
import { nextStep } from "./policy.js";
import type { PaymentInitiatedDetail, Session, WidgetErrorCode } from "./types.js";

/** Why a card could not be tokenized, as the widget tells the shopper. */
export class TokenizeError extends Error {
  constructor(
    readonly code: WidgetErrorCode,
    readonly reason: "incomplete" | "refused" | "failed",
  ) {
    super(code);
  }
}

type Order = Pick<Session, "amount" | "currency"> & { cartId: string };

/** The amount shown travels with the token, so the server charges that or nothing. */
function detail(
  order: Order,
  method: PaymentInitiatedDetail["method"],
  data: { token: string; scheme?: string | undefined; last4?: string | undefined; bin?: string | undefined },
  deviceSessionId?: string,
): PaymentInitiatedDetail {
  return {
    processorToken: data.token,
    method,
    cartId: order.cartId,
    amount: order.amount,
    currency: order.currency,
    ...(deviceSessionId ? { deviceSessionId } : {}),
    card: { scheme: data.scheme, last4: data.last4, bin: data.bin },
  };
}

/** Tokenizes the card form (Flow's `tokenize()`); Flow marks the fields an incomplete card is missing. */
export async function tokenizeCard(card: Component, order: Order): Promise<PaymentInitiatedDetail> {
  let result: Awaited<ReturnType<Component["tokenize"]>>;
  try {
    result = await card.tokenize();
  } catch (error) {
    const e = error as { code?: WidgetErrorCode; details?: { status?: number } };
    if (e.code === "component_invalid") throw new TokenizeError(e.code, "incomplete");
    if (e.details?.status === 401) throw new TokenizeError("invalid_public_key", "refused");
    throw new TokenizeError(e.code ?? "tokenize_failed", "failed");
  }
  const data = result && "data" in result ? result.data : undefined;
  if (!data?.token) throw new TokenizeError("tokenize_failed", "failed");
  const risk = result && "risk" in result ? result.risk : undefined;
  return detail(order, "card", data as { token: string }, risk?.device_session_id);
}

/** A wallet's token (Flow's `onTokenized` in token mode) as the same detail a card gives. */
export function walletToken(result: OnTokenizedResult, order: Order): PaymentInitiatedDetail | undefined {
  if (result.type !== "applepay" && result.type !== "googlepay") return undefined;
  return detail(order, result.type, result.data);
}

export interface PayDeps {
  confirm(token: PaymentInitiatedDetail): Promise<Answer>;
  /** A fresh card token, when the first one could not be used; undefined when the card said why not. */
  retokenize?: (() => Promise<PaymentInitiatedDetail | undefined>) | undefined;
  /** The answer is late: the shopper is told not to pay again. */
  checking(): void;
  wait(ms: number): Promise<void>;
}

/**
 * Confirms a token until the answer stands, following the policy: a fresh card token once, and
 * patient rechecks of an unanswered confirm. Returns the answer and the token it is about, or
 * nothing when a fresh card token could not be had (the card form has said why).
 */
export async function pay(
  first: PaymentInitiatedDetail,
  deps: PayDeps,
  /** The first confirm's answer, when it was already asked. */
  answered?: Answer,
): Promise<{ outcome: Outcome; token: PaymentInitiatedDetail } | undefined> {
  let token = first;
  let outcome = toOutcome(answered ?? (await deps.confirm(token)));
  const progress = { canRetokenize: deps.retokenize !== undefined, retokenized: false, rechecks: 0 };
  for (;;) {
    const step = nextStep(outcome, progress);
    if (step.do === "show") return { outcome, token };
    if (step.do === "retokenize" && deps.retokenize) {
      progress.retokenized = true;
      const fresh = await deps.retokenize();
      if (!fresh) return undefined;
      token = fresh;
    } else if (step.do === "recheck") {
      progress.rechecks++;
      deps.checking();
      await deps.wait(step.afterMs);
    }
    outcome = toOutcome(await deps.confirm(token));
  }
}
