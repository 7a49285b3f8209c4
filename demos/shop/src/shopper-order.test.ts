import { ORDER_STATUSES, type OrderStatus } from "@handoff/contracts";
import type { Attempt, Order, TimelineEntry } from "@handoff/server";
import { describe, expect, it } from "vitest";
import { describeOrder, maskEmail } from "./shopper-order.js";

const urls = { checkout: (cart: string) => `/checkout?cart=${cart}`, shop: "/" };
const at = "2026-12-04T10:00:00.000Z";

function order(status: OrderStatus, more: Partial<Order> = {}): Order {
  return {
    id: "ord_1",
    cartId: "cart_1",
    amount: 4700,
    currency: "GBP",
    lines: [
      { sku: "mug", name: "Enamel camp mug", quantity: 2, unitAmount: 1450, amount: 2900 },
      { sku: "tote", name: "Heavy canvas tote", quantity: 1, unitAmount: 1800, amount: 1800 },
    ],
    status,
    riskFlagged: false,
    customer: { email: "shopper@example.com" },
    billing: { country: "GB" },
    createdAt: at,
    updatedAt: at,
    ...more,
  };
}

function attempt(more: Partial<Attempt> = {}): Attempt {
  return {
    id: "att_1",
    orderId: "ord_1",
    processorToken: "tok_1",
    idempotencyKey: "k",
    amount: 4700,
    currency: "GBP",
    paymentId: "pay_1",
    status: "captured",
    riskFlagged: false,
    createdAt: at,
    updatedAt: at,
    ...more,
  };
}

let nextId = 1;
const entry = (kind: string, detail: Record<string, unknown>): TimelineEntry => ({
  id: nextId++,
  orderId: "ord_1",
  at,
  kind,
  detail,
});
const refund = (amount: number, actionId: string, paymentId = "pay_1") =>
  entry("webhook", { type: "payment_refunded", paymentId, amount, actionId, eventId: `evt_${nextId}` });
const dispute = (type: string, amount = 4700) => entry("dispute", { type, disputeId: "dsp_1", amount });

describe("the shopper's order page", () => {
  it("lists the items with quantity, unit and line amounts in major units, and the total", () => {
    const view = describeOrder(order("captured"), attempt(), [], urls);
    expect(view.lines).toEqual([
      { name: "Enamel camp mug", quantity: 2, unit: "£14.50", amount: "£29.00" },
      { name: "Heavy canvas tote", quantity: 1, unit: "£18.00", amount: "£18.00" },
    ]);
    expect(view.total).toBe("£47.00");
  });

  it("writes amounts with the currency's own exponent", () => {
    const yen = order("captured", {
      currency: "JPY",
      amount: 1500,
      lines: [{ sku: "tea", name: "Tea", quantity: 3, unitAmount: 500, amount: 1500 }],
    });
    expect(describeOrder(yen, attempt(), [], urls).total).toBe("JP¥1,500");
    const dinar = order("captured", {
      currency: "KWD",
      amount: 12345,
      lines: [{ sku: "tea", name: "Tea", quantity: 1, unitAmount: 12345, amount: 12345 }],
    });
    expect(describeOrder(dinar, attempt(), [], urls).total).toMatch(/^KWD\s12\.345$/);
  });

  it("says in a sentence what happens next for every status, and offers a way on when one is needed", () => {
    for (const status of ORDER_STATUSES) {
      const view = describeOrder(
        order(status),
        attempt({ status: status === "pending" ? "failed" : status }),
        [],
        urls,
      );
      expect(view.label, status).not.toMatch(/_/);
      expect(view.next, status).toMatch(/^[A-Z].*\.$/);
      expect(view.next, status).not.toMatch(/_|undefined/);
    }
    const paid = describeOrder(order("captured"), attempt(), [], urls);
    expect(paid.next).toBe(
      "Thank you, your payment went through. We'll email you at sh…@example.com when your order ships.",
    );
    expect(paid.action).toBeUndefined();
    const declined = describeOrder(
      order("declined"),
      attempt({ status: "declined", responseCode: "20051" }),
      [],
      urls,
    );
    expect(declined.next).toBe(
      "Your payment did not go through, so you have not been charged. Your card has insufficient funds. Try another card.",
    );
    expect(declined.action).toEqual({ href: "/checkout?cart=cart_1", text: "Back to the checkout" });
    const threeDs = describeOrder(
      order("declined"),
      attempt({ status: "declined", redirectUrl: "https://bank.example/3ds" }),
      [],
      urls,
    );
    expect(threeDs.next).toMatch(/We couldn't verify this payment with your bank\./);
    expect(describeOrder(order("authorized", { customer: undefined }), attempt(), [], urls).next).toBe(
      "Thank you, your payment went through. We'll let you know when your order ships.",
    );
  });

  it("counts each confirmed refund of the paying payment once: a refund sent twice, or of a payment given back, is not counted", () => {
    const timeline = [
      refund(500, "act_a"),
      refund(700, "act_b"),
      refund(700, "act_b"),
      refund(4700, "act_c", "pay_other"),
      entry("operator_action", { action: "refund", amount: 9900 }),
    ];
    const view = describeOrder(
      order("partially_refunded"),
      attempt({ status: "partially_refunded" }),
      timeline,
      urls,
    );
    expect(view.label).toBe("Partly refunded");
    expect(view.money).toBe("£12.00 of £47.00 returned to your card.");
    const full = describeOrder(
      order("refunded"),
      attempt({ status: "refunded" }),
      [refund(4700, "act_d")],
      urls,
    );
    expect(full.money).toBe("£47.00 returned to your card.");
  });

  it("says an order is disputed while the bank looks into it, and what came of it afterwards", () => {
    const open = describeOrder(
      order("captured"),
      attempt(),
      [dispute("dispute_received"), dispute("dispute_evidence_required")],
      urls,
    );
    expect(open.label).toBe("Disputed");
    expect(open.money).toBe("£47.00 is disputed with your bank.");
    const lost = describeOrder(
      order("captured"),
      attempt(),
      [dispute("dispute_received"), dispute("dispute_lost")],
      urls,
    );
    expect(lost.label).toBe("Returned by your bank");
    expect(lost.money).toBe("£47.00 returned to you by your bank after your dispute.");
    const won = describeOrder(
      order("captured"),
      attempt(),
      [dispute("dispute_received"), dispute("dispute_won")],
      urls,
    );
    expect(won.label).toBe("Paid");
  });

  it("shows enough of the email for the shopper to recognise it, not all of it", () => {
    expect(maskEmail("shopper@example.com")).toBe("sh…@example.com");
    expect(maskEmail("a@example.com")).toBe("a…@example.com");
    expect(maskEmail("not-an-email")).toBe("your email address");
  });
});
