import { describe, expect, it } from "vitest";
import { formatDecimal, parseDecimal } from "./decimal.js";
import type { SettlementLine } from "./lines.js";
import { readProblems } from "./problems.js";
import { itemisedFees, settlementOf } from "./status.js";

function line(over: Partial<SettlementLine> & { breakdownType: string; amount: string }): SettlementLine {
  const currency = over.processingCurrency ?? "GBP";
  const amount = parseDecimal(over.amount);
  return {
    actionId: "act_1",
    actionType: "Capture",
    paymentId: "pay_1",
    reference: "ord_1",
    feeDetail: "",
    processedOn: "2026-12-01T10:00:00Z",
    processingCurrency: currency,
    processingAmount: amount,
    holdingCurrency: currency,
    holdingAmount: amount,
    transactionCurrency: currency,
    transactionAmount: amount,
    payoutId: "00000000CFJU",
    ...over,
  };
}

const charged = { captured: 2900, refunded: 0, currency: "GBP" };
const fees = [
  line({ breakdownType: "Gateway Fee", amount: "-0.10" }),
  line({ breakdownType: "Scheme Variable Fee", amount: "-0.01234567" }),
  line({ breakdownType: "Interchange", amount: "-0.058" }),
];

describe("an order's settlement", () => {
  it("is settled when every line is paid out and the gross is what Handoff captured", () => {
    const lines = [line({ breakdownType: "Capture", amount: "29.00" }), ...fees];
    const s = settlementOf(charged, lines);
    expect(s.status).toBe("settled");
    expect(formatDecimal(s.gross, s.currency)).toBe("29.00");
    expect(formatDecimal(s.fees, s.currency)).toBe("-0.17034567");
    expect(formatDecimal(s.net, s.currency)).toBe("28.82965433");
    expect(itemisedFees(lines).map((f) => f.breakdownType)).toEqual([
      "Gateway Fee",
      "Scheme Variable Fee",
      "Interchange",
    ]);
    expect(s.payoutId).toBe("00000000CFJU");
  });

  it("is expected before any line is paid out, and partially settled while some still wait", () => {
    const pending = [line({ breakdownType: "Capture", amount: "29.00", payoutId: "" })];
    expect(settlementOf(charged, []).status).toBe("expected");
    expect(settlementOf(charged, pending).status).toBe("expected");
    const some = [
      line({ breakdownType: "Capture", amount: "29.00" }),
      { ...fees[2], payoutId: "" } as SettlementLine,
    ];
    expect(settlementOf(charged, some).status).toBe("partially_settled");
  });

  it("is a mismatch when Checkout.com settled another amount or currency than Handoff charged", () => {
    const short = settlementOf(charged, [line({ breakdownType: "Capture", amount: "28.00" })]);
    expect(short.status).toBe("mismatch");
    expect(readProblems(short.problems)).toEqual([
      { code: "amount_differs", currency: "GBP", settled: "28.00", expected: "29.00" },
    ]);
    const euros = settlementOf(charged, [
      line({ breakdownType: "Capture", amount: "29.00", processingCurrency: "EUR" }),
    ]);
    expect(euros.status).toBe("mismatch");
    expect(readProblems(euros.problems)).toEqual([
      { code: "currency_differs", breakdownType: "Capture", settledIn: "EUR", chargedIn: "GBP" },
    ]);
  });

  it("tells a capture Handoff has not recorded (an auto-captured order held for review) from an amount that differs", () => {
    const nothing = { captured: 0, refunded: 0, currency: "GBP" };
    const s = settlementOf(nothing, [line({ breakdownType: "Capture", amount: "29.00" })]);
    expect(s.status).toBe("mismatch");
    expect(readProblems(s.problems)).toEqual([
      { code: "capture_not_recorded", currency: "GBP", settled: "29.00" },
    ]);
    expect(readProblems(s.problems, { status: "needs_review" })).toEqual([
      { code: "settled_in_review", currency: "GBP", settled: "29.00" },
    ]);
  });

  it("counts refunds: one Handoff made that is not settled yet is on its way, not a mismatch", () => {
    const refunded = { ...charged, refunded: 900 };
    const capture = line({ breakdownType: "Capture", amount: "29.00" });
    expect(settlementOf(refunded, [capture]).status).toBe("partially_settled");
    const refund = line({
      actionId: "act_2",
      actionType: "Refund",
      breakdownType: "Refund",
      amount: "-9.00",
    });
    expect(settlementOf(refunded, [capture, refund]).status).toBe("settled");
  });

  it("flags a chargeback: a mismatch until reversed, then settled and still marked", () => {
    const capture = line({ breakdownType: "Capture", amount: "29.00" });
    const chargeback = line({
      actionId: "act_3",
      actionType: "Chargeback",
      breakdownType: "Chargeback",
      amount: "-29.00",
    });
    expect(settlementOf(charged, [capture, chargeback]).status).toBe("mismatch");
    const reversal = line({
      actionId: "act_4",
      actionType: "Chargeback Reversal",
      breakdownType: "Chargeback Reversal",
      amount: "29.00",
    });
    const s = settlementOf(charged, [capture, chargeback, reversal]);
    expect(s).toMatchObject({ status: "settled", chargedBack: true });
    // The fee for handling the chargeback is a cost, not money the shopper paid or got back.
    const fee = line({
      actionId: "act_3",
      actionType: "Chargeback",
      breakdownType: "Chargeback Fee",
      amount: "-15.00",
    });
    const withFee = settlementOf(charged, [capture, chargeback, fee, reversal]);
    expect(withFee).toMatchObject({ status: "settled", chargedBack: true });
    expect(formatDecimal(withFee.fees, withFee.currency)).toBe("-15.00");
  });

  it("reports gross, fees and net in the holding currency when the merchant is paid in another", () => {
    const converted = line({
      breakdownType: "Capture",
      amount: "29.00",
      holdingCurrency: "EUR",
      holdingAmount: parseDecimal("33.6052"),
    });
    const s = settlementOf(charged, [converted]);
    expect(s).toMatchObject({ status: "settled", currency: "EUR", converted: true });
    expect(formatDecimal(s.gross, s.currency)).toBe("33.6052");
  });

  it("compares a zero-decimal currency by its own exponent", () => {
    const yen = { captured: 1200, refunded: 0, currency: "JPY" };
    const capture = line({ breakdownType: "Capture", amount: "1200", processingCurrency: "JPY" });
    expect(settlementOf(yen, [capture]).status).toBe("settled");
  });
});
