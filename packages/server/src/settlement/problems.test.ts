import { describe, expect, it } from "vitest";
import { encodeProblem, readProblems } from "./problems.js";

describe("a settlement's problems", () => {
  it("read back as the codes and amounts they were stored with", () => {
    const stored = [
      encodeProblem({ code: "amount_differs", currency: "GBP", settled: "28.00", expected: "29.00" }),
      encodeProblem({ code: "several_payout_currencies" }),
    ];
    expect(readProblems(stored, { status: "captured" })).toEqual([
      { code: "amount_differs", currency: "GBP", settled: "28.00", expected: "29.00" },
      { code: "several_payout_currencies" },
    ]);
  });

  it("name a capture Handoff has not recorded, on an order held for review, as settled while in review", () => {
    const stored = [encodeProblem({ code: "capture_not_recorded", currency: "GBP", settled: "29.00" })];
    expect(readProblems(stored, { status: "needs_review" })).toEqual([
      { code: "settled_in_review", currency: "GBP", settled: "29.00" },
    ]);
    expect(readProblems(stored, { status: "authorized" })[0]?.code).toBe("capture_not_recorded");
  });

  it("read the sentences stored before problems were codes, and keep any other text as it is", () => {
    const old = [
      "Checkout.com settled 28.00, Handoff captured less refunded 29.00",
      "Capture in EUR, charged in GBP",
      "the lines are paid out in more than one currency",
      "something new",
    ];
    expect(readProblems(old, { status: "captured", currency: "GBP" })).toEqual([
      { code: "amount_differs", currency: "GBP", settled: "28.00", expected: "29.00" },
      { code: "currency_differs", breakdownType: "Capture", settledIn: "EUR", chargedIn: "GBP" },
      { code: "several_payout_currencies" },
      { code: "other", text: "something new" },
    ]);
    // "captured less refunded 0.00" was a capture Handoff never recorded: for a held order, that is the review.
    expect(
      readProblems(["Checkout.com settled 29.00, Handoff captured less refunded 0.00"], {
        status: "needs_review",
        currency: "GBP",
      }),
    ).toEqual([{ code: "settled_in_review", currency: "GBP", settled: "29.00" }]);
  });
});
