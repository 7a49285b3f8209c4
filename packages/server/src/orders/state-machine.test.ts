import { ORDER_STATUSES, type OrderStatus } from "@handoff/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applySignals, isFinal, PAYMENT_SIGNALS, type PaymentSignal, transition } from "./state-machine.js";

/** The full table, every status × every signal, written out so a reviewer can read the rules. */
const EXPECTED: Record<OrderStatus, Partial<Record<PaymentSignal, OrderStatus>>> = {
  pending: {
    requires_action: "requires_action",
    authorized: "authorized",
    flagged: "needs_review",
    declined: "declined",
    captured: "captured",
    partially_refunded: "partially_refunded",
    refunded: "refunded",
    voided: "voided",
    canceled: "canceled",
    expired: "expired",
  },
  requires_action: {
    authorized: "authorized",
    flagged: "needs_review",
    declined: "declined",
    captured: "captured",
    partially_refunded: "partially_refunded",
    refunded: "refunded",
    voided: "voided",
    canceled: "canceled",
    expired: "expired",
  },
  authorized: {
    flagged: "needs_review",
    captured: "captured",
    partially_refunded: "partially_refunded",
    refunded: "refunded",
    voided: "voided",
  },
  needs_review: {
    partially_refunded: "partially_refunded",
    refunded: "refunded",
    voided: "voided",
  },
  captured: { flagged: "needs_review", partially_refunded: "partially_refunded", refunded: "refunded" },
  partially_refunded: { refunded: "refunded" },
  refunded: {},
  declined: {},
  voided: {},
  canceled: {},
  expired: {},
};

/** Review is a hold beside the payment's progress (an operator ends it), so it has no rank here. */
const RANK: Record<string, number> = {
  pending: 0,
  requires_action: 1,
  authorized: 2,
  captured: 3,
  partially_refunded: 4,
  refunded: 5,
};

describe("order state machine", () => {
  for (const from of ORDER_STATUSES) {
    for (const signal of PAYMENT_SIGNALS) {
      const expected = EXPECTED[from][signal];
      it(`${from} + ${signal} → ${expected ?? `${from} (ignored)`}`, () => {
        const result = transition(from, signal);
        expect(result.status).toBe(expected ?? from);
        expect(result.changed).toBe(expected !== undefined);
        if (!result.changed) expect(result.reason).toMatch(/\w/);
      });
    }
  }

  it("never leaves a final status", () => {
    for (const from of ORDER_STATUSES.filter(isFinal)) {
      for (const signal of PAYMENT_SIGNALS) expect(transition(from, signal).status).toBe(from);
    }
  });

  it("never moves a successful payment backward", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PAYMENT_SIGNALS), { maxLength: 12 }), (signals) => {
        let status: OrderStatus = "pending";
        for (const signal of signals) {
          const next: OrderStatus = transition(status, signal).status;
          if (RANK[status] !== undefined && RANK[next] !== undefined) {
            expect(RANK[next]).toBeGreaterThanOrEqual(RANK[status] ?? 0);
          }
          status = next;
        }
      }),
    );
  });

  it("gives the same answer for a repeated signal: applying it twice is applying it once", () => {
    for (const from of ORDER_STATUSES) {
      for (const signal of PAYMENT_SIGNALS) {
        const once = transition(from, signal).status;
        expect(transition(once, signal)).toMatchObject({ changed: false, status: once });
      }
    }
  });

  it("ends in the same place whatever order and however often one payment's events arrive", () => {
    // A payment's real life: 3DS, approved, captured, refunded in part, then in full.
    const life: PaymentSignal[] = [
      "requires_action",
      "authorized",
      "captured",
      "partially_refunded",
      "refunded",
    ];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(life, { minLength: life.length, maxLength: life.length }),
        fc.array(fc.constantFrom(...life), { maxLength: 6 }),
        (order, duplicates) => {
          expect(applySignals("pending", [...order, ...duplicates])).toBe("refunded");
        },
      ),
    );
  });

  it("holds a risk-flagged payment in review whatever capture or approval arrives, before or after the flag", () => {
    expect(applySignals("pending", ["flagged", "captured", "authorized"])).toBe("needs_review");
    expect(applySignals("pending", ["captured", "flagged", "captured"])).toBe("needs_review");
    expect(applySignals("pending", ["flagged", "refunded"])).toBe("refunded");
  });

  it("keeps captured when payment_captured arrives before payment_approved", () => {
    expect(applySignals("pending", ["captured", "authorized"])).toBe("captured");
    expect(transition("captured", "authorized")).toEqual({
      changed: false,
      status: "captured",
      reason: "authorized would move captured backward",
    });
  });
});
