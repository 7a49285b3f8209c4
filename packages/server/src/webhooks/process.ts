import {
  accelerateTokenOf,
  type DisputeEvent,
  isDisputeEvent,
  isPaymentEvent,
  type PaymentEvent,
  parseWebhookEvent,
} from "@handoff/contracts";
import type { Attempt } from "../orders/model.js";
import { type SettleDeps, settle } from "../orders/settle.js";
import { disputeEvent } from "../outbox/events.js";
import type { StoredInboxEvent } from "./inbox.js";
import { signalFromEvent } from "./signal-from-event.js";

/** What processing one stored event came to. `parked`: its attempt does not exist yet; try later. */
export type ProcessResult =
  | { status: "processed"; orderId: string; outcome: string }
  /** Handled by another part of Handoff (settlement), with no order of its own. */
  | { status: "processed"; orderId?: undefined; outcome: string }
  | { status: "parked"; outcome: string }
  | { status: "ignored"; orderId?: string; outcome: string }
  | { status: "invalid"; outcome: string };

type Deps = SettleDeps;

/** Events another part of Handoff handles: `report_generated` goes to settlement. */
export interface EventRoutes {
  reportGenerated?: (eventId: string, data: unknown) => Promise<ProcessResult>;
}

/** Matches an event to its attempt: by AccelerateToken, then payment id, then the order reference. */
async function matchAttempt(
  deps: Deps,
  token: string | undefined,
  paymentId: string | undefined,
  reference: string | undefined,
) {
  if (token) {
    const byToken = await deps.store.attemptByToken(token);
    if (byToken) return byToken;
  }
  if (paymentId) {
    const byPayment = await deps.store.attemptByPaymentId(paymentId);
    if (byPayment) return byPayment;
  }
  if (reference) {
    const attempts = await deps.store.attemptsOfOrder(reference);
    // Only an attempt that could be this payment: the one still waiting for its answer.
    const open = attempts.filter(
      (a) => !a.paymentId && (a.status === "processing" || a.status === "unknown"),
    );
    if (open.length === 1) return open[0];
  }
  return undefined;
}

async function processPayment(
  deps: Deps,
  stored: StoredInboxEvent,
  event: PaymentEvent,
): Promise<ProcessResult> {
  const data = event.data;
  const attempt: Attempt | undefined = await matchAttempt(
    deps,
    accelerateTokenOf(event),
    data.id,
    data.reference,
  );
  if (!attempt) return { status: "parked", outcome: `no attempt matches ${data.id} yet` };
  if (attempt.paymentId && attempt.paymentId !== data.id) {
    return {
      status: "ignored",
      orderId: attempt.orderId,
      outcome: `token belongs to ${attempt.paymentId}, not ${data.id}`,
    };
  }
  const webhook = {
    kind: "webhook",
    detail: {
      eventId: stored.id,
      type: event.type,
      paymentId: data.id,
      ...(data.amount !== undefined ? { amount: data.amount } : {}),
      ...(data.response_code ? { responseCode: data.response_code } : {}),
      ...(data.action_id ? { actionId: data.action_id } : {}),
    },
  };
  const signal = signalFromEvent(event);
  if (!signal) {
    await deps.store.appendEvent(attempt.orderId, webhook);
    return {
      status: "processed",
      orderId: attempt.orderId,
      outcome: `${event.type} recorded (no status change)`,
    };
  }
  const result = await settle(
    deps,
    attempt,
    { kind: "signal", signal },
    {
      source: "webhook",
      detail: {
        eventId: stored.id,
        type: event.type,
        ...(data.amount !== undefined ? { amount: data.amount } : {}),
      },
      events: [webhook],
      // An approval or capture says what it is for; a refund is announced once per action.
      ...(signal === "authorized" || signal === "flagged" || signal === "captured"
        ? { observed: { amount: data.amount, currency: data.currency, flagged: data.risk?.flagged === true } }
        : {}),
      ...((signal === "partially_refunded" || signal === "refunded") && data.amount !== undefined
        ? { refund: { key: data.action_id ?? `event:${stored.id}`, amount: data.amount } }
        : {}),
      patch: {
        ...(attempt.paymentId ? {} : { paymentId: data.id }),
        ...(data.response_code && (event.type === "payment_approved" || event.type === "payment_declined")
          ? { responseCode: data.response_code }
          : {}),
      },
    },
  );
  // A capture or approval of an order held for review is kept out of it until a person releases it:
  // news Handoff did not have, so not "already applied".
  const outcome = result.changed
    ? `order now ${result.attempt.status}`
    : result.attempt.status === "needs_review" && signal !== "flagged" && !result.attempt.reviewReleasedAt
      ? `no change (held for review: ${signal} waits for an operator to release it)`
      : `no change (${signal} already applied, or it would move the order backward)`;
  return { status: "processed", orderId: attempt.orderId, outcome };
}

async function processDispute(
  deps: Deps,
  stored: StoredInboxEvent,
  event: DisputeEvent,
): Promise<ProcessResult> {
  const data = event.data;
  const attempt = await matchAttempt(deps, undefined, data.payment_id, undefined);
  const orderId =
    attempt?.orderId ??
    (data.payment_reference ? (await deps.store.getOrder(data.payment_reference))?.id : undefined);
  if (!orderId) return { status: "parked", outcome: `no order matches dispute ${data.id} yet` };
  // Disputes attach to the order; they never move its status backward. The timeline entry and the
  // event for the merchant's systems commit together.
  const at = deps.now().toISOString();
  const committed = await deps.store.transaction(async (tx) => {
    const order = await tx.orderById(orderId);
    if (!order) return false;
    await tx.appendEvents(orderId, [
      {
        kind: "dispute",
        detail: {
          eventId: stored.id,
          type: event.type,
          disputeId: data.id,
          ...(data.amount !== undefined ? { amount: data.amount, currency: data.currency } : {}),
          ...(data.reason_code ? { reasonCode: data.reason_code } : {}),
          ...(data.evidence_required_by ? { evidenceRequiredBy: data.evidence_required_by } : {}),
        },
      },
    ]);
    await tx.appendOutbox(
      disputeEvent(stored.id, {
        orderId,
        reference: order.id,
        ...(data.payment_id ? { paymentId: data.payment_id } : {}),
        disputeId: data.id,
        checkoutType: event.type,
        ...(data.reason_code ? { reason: data.reason_code } : {}),
        ...(data.amount !== undefined
          ? { amount: data.amount, currency: data.currency ?? order.currency }
          : {}),
        ...(data.evidence_required_by ? { evidenceDeadline: data.evidence_required_by } : {}),
        status: order.status,
        occurredAt: at,
      }),
      orderId,
    );
    return true;
  });
  if (!committed) return { status: "parked", outcome: `no order matches dispute ${data.id} yet` };
  deps.outboxCommitted?.();
  return { status: "processed", orderId, outcome: `${event.type} attached` };
}

/** Applies one stored event. Throws only when the store itself fails (the worker retries). */
export async function processStoredEvent(
  deps: Deps,
  stored: StoredInboxEvent,
  routes: EventRoutes = {},
): Promise<ProcessResult> {
  let json: unknown;
  try {
    json = JSON.parse(stored.rawBody);
  } catch {
    return { status: "invalid", outcome: "body is not JSON" };
  }
  const parsed = parseWebhookEvent(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { status: "invalid", outcome: `schema: ${issue?.path.join(".") || "(root)"}: ${issue?.message}` };
  }
  const event = parsed.data;
  if (isPaymentEvent(event)) return processPayment(deps, stored, event);
  if (isDisputeEvent(event)) return processDispute(deps, stored, event);
  if (event.type === "report_generated" && routes.reportGenerated)
    return routes.reportGenerated(stored.id, event.data);
  return { status: "ignored", outcome: `event type ${event.type} is stored but not handled` };
}
