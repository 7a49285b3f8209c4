import {
  classifyResponseCode,
  DECLINE_MESSAGES_EN,
  formatMoney,
  type OrderStatus,
  orderStatusLabel,
} from "@handoff/contracts";
import type { Attempt, Order, OrderStore, TimelineEntry } from "@handoff/server";

/** What the shopper reads about their order: plain sentences, amounts in major units. */
export interface ShopperOrder {
  orderId: string;
  status: OrderStatus;
  /** "Paid", "Partly refunded", "Disputed"… */
  label: string;
  /** What has happened to the money, when something has ("£12.00 of £47.00 returned to your card"). */
  money?: string | undefined;
  /** What happens next, or what the shopper can do. */
  next: string;
  /** Where the shopper can act on `next` (pay again, shop again). */
  action?: { href: string; text: string } | undefined;
  lines: Array<{ name: string; quantity: number; unit: string; amount: string }>;
  total: string;
  amount: number;
  currency: string;
}

/** A dispute still waiting for the bank's or the scheme's decision. */
const OPEN_DISPUTE = new Set([
  "dispute_received",
  "dispute_evidence_required",
  "dispute_evidence_submitted",
  "dispute_evidence_acknowledged_by_scheme",
  "dispute_arbitration_sent_to_scheme",
  "dispute_arbitration_evidence_submitted",
]);
/** A dispute closed in the cardholder's favour: their bank gave the money back. */
const DISPUTE_FOR_SHOPPER = new Set(["dispute_accepted", "dispute_lost", "dispute_arbitration_lost"]);

const REFUND_DELAY = "Refunds usually reach your statement within 5 to 10 working days.";

/** Reads the order, its payment attempts and its timeline, and says where the order stands. */
export async function loadShopperOrder(
  store: OrderStore,
  orderId: string,
  urls: { checkout: (cartId: string) => string; shop: string },
): Promise<ShopperOrder | undefined> {
  const order = await store.getOrder(orderId);
  if (!order) return undefined;
  const [attempts, timeline] = await Promise.all([store.attemptsOfOrder(order.id), store.timeline(order.id)]);
  return describeOrder(order, attempts.at(-1), timeline, urls);
}

/**
 * The shopper's view of an order. Refunds count once each, and only those Checkout.com confirmed
 * for the payment that paid this order (a payment given back because it came too late is not a
 * refund of the order).
 */
export function describeOrder(
  order: Order,
  latest: Attempt | undefined,
  timeline: TimelineEntry[],
  urls: { checkout: (cartId: string) => string; shop: string },
): ShopperOrder {
  const money = (minor: number) => formatMoney(minor, order.currency);
  const base = {
    orderId: order.id,
    status: order.status,
    amount: order.amount,
    currency: order.currency,
    total: money(order.amount),
    lines: order.lines.map((l) => ({
      name: l.name,
      quantity: l.quantity,
      unit: money(l.unitAmount),
      amount: money(l.amount),
    })),
  };
  const email = order.customer?.email;
  const emailUs = email ? `We'll email you at ${maskEmail(email)}` : "We'll let you know";
  const payAgain = { href: urls.checkout(order.cartId), text: "Back to the checkout" };
  const shopAgain = { href: urls.shop, text: "Back to the shop" };
  const label = orderStatusLabel(order.status);

  const dispute = latestDispute(timeline);
  if (dispute && OPEN_DISPUTE.has(dispute.type)) {
    return {
      ...base,
      label: "Disputed",
      money: `${money(dispute.amount ?? order.amount)} is disputed with your bank.`,
      next: "Your bank told us you have disputed this payment. Your bank looks into it and tells you the outcome; there is nothing you need to do here. If you did not mean to dispute it, contact your bank.",
    };
  }
  if (dispute && DISPUTE_FOR_SHOPPER.has(dispute.type)) {
    return {
      ...base,
      label: "Returned by your bank",
      money: `${money(dispute.amount ?? order.amount)} returned to you by your bank after your dispute.`,
      next: "The dispute is closed. There is nothing more you need to do.",
    };
  }

  switch (order.status) {
    case "pending":
      return {
        ...base,
        label,
        next: "We have not received a payment for this order yet. You can pay from the checkout.",
        action: payAgain,
      };
    case "requires_action":
      return {
        ...base,
        label,
        next: "Your bank is asking you to confirm this payment. If you closed its page, go back to the checkout: you will not be charged twice.",
        action: payAgain,
      };
    case "authorized":
    case "captured":
      return {
        ...base,
        label,
        next: `Thank you, your payment went through. ${emailUs} when your order ships.`,
      };
    case "needs_review":
      return {
        ...base,
        label,
        next: `Your payment went through, and we are making a few routine checks before we send your order. ${emailUs} when it ships; there is nothing you need to do.`,
      };
    case "partially_refunded": {
      const refunded = refundedTotal(timeline, latest?.paymentId);
      return {
        ...base,
        label,
        money:
          refunded > 0
            ? `${money(refunded)} of ${money(order.amount)} returned to your card.`
            : "Part of your payment has been returned to your card.",
        next: `The rest of your order stands. ${REFUND_DELAY}`,
      };
    }
    case "refunded": {
      const refunded = refundedTotal(timeline, latest?.paymentId);
      return {
        ...base,
        label,
        money: `${money(refunded > 0 ? refunded : order.amount)} returned to your card.`,
        next: REFUND_DELAY,
      };
    }
    case "declined":
      return {
        ...base,
        label,
        next: `Your payment did not go through, so you have not been charged. ${declineReason(latest)}`,
        action: payAgain,
      };
    case "voided":
    case "canceled":
      return {
        ...base,
        label,
        next: "The payment was cancelled and you have not been charged. The order will not be sent.",
        action: shopAgain,
      };
    case "expired":
      return {
        ...base,
        label,
        next: "The payment was not completed in time, so you have not been charged. The order will not be sent.",
        action: shopAgain,
      };
  }
}

/**
 * Why the bank said no, in the words shoppers get at the checkout. A payment sent back from 3-D
 * Secure without a code failed authentication (Checkout.com's 20151).
 */
export function declineReason(attempt: Attempt | undefined): string {
  const code = attempt?.responseCode ?? (attempt?.redirectUrl ? "20151" : "20005");
  return DECLINE_MESSAGES_EN[classifyResponseCode(code).reason ?? "generic_decline"];
}

/** "shopper@example.com" → "sh…@example.com": the shopper recognises it; a passer-by learns little. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "your email address";
  return `${email.slice(0, Math.min(2, at))}…${email.slice(at)}`;
}

function refundedTotal(timeline: TimelineEntry[], paymentId: string | undefined): number {
  const seen = new Map<string, number>();
  for (const entry of timeline) {
    const d = entry.detail as {
      type?: unknown;
      paymentId?: unknown;
      amount?: unknown;
      actionId?: unknown;
      eventId?: unknown;
    };
    if (entry.kind !== "webhook" || d.type !== "payment_refunded" || typeof d.amount !== "number") continue;
    if (paymentId && d.paymentId !== paymentId) continue;
    // Checkout.com may send the same refund twice; its action id says which refund it is.
    seen.set(String(d.actionId ?? d.eventId), d.amount);
  }
  return [...seen.values()].reduce((sum, amount) => sum + amount, 0);
}

function latestDispute(timeline: TimelineEntry[]): { type: string; amount?: number } | undefined {
  const entry = timeline.filter((e) => e.kind === "dispute").at(-1);
  if (!entry) return undefined;
  const d = entry.detail as { type?: unknown; amount?: unknown };
  return {
    type: String(d.type),
    ...(typeof d.amount === "number" ? { amount: d.amount } : {}),
  };
}
