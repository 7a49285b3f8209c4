import type { SettlementProblem } from "@handoff/server";
import { describe, expect, it } from "vitest";
import { messages } from "./index.js";

/** One of each problem the server reports, with its amounts. */
const PROBLEMS: SettlementProblem[] = [
  { code: "amount_differs", currency: "GBP", settled: "28.00", expected: "29.00" },
  { code: "capture_not_recorded", currency: "GBP", settled: "29.00" },
  { code: "settled_in_review", currency: "GBP", settled: "29.00" },
  { code: "currency_differs", breakdownType: "Capture", settledIn: "EUR", chargedIn: "GBP" },
  { code: "several_payout_currencies" },
];

describe("the console's settlement words", () => {
  it("say every problem as a sentence with its amounts, never its code", () => {
    const words = messages("en");
    for (const problem of PROBLEMS) {
      const sentence = words.settlement.problem(problem);
      expect(sentence).toMatch(/^[A-Z].*\.$/);
      expect(sentence).not.toMatch(/\w_\w/);
      if ("settled" in problem) expect(sentence).toContain(`£${problem.settled}`);
    }
    for (const status of Object.values(words.settlement.status)) expect(status).not.toMatch(/\w_\w/);
  });

  it("write money as the rest of the console does, the exact sub-penny figure beside it", () => {
    const sentence = messages("en").settlement.problem({
      code: "amount_differs",
      currency: "GBP",
      settled: "156.502",
      expected: "156.50",
    });
    expect(sentence).toContain(
      "paid out £156.50 (exactly 156.502 GBP) for this order, but Handoff took £156.50 (",
    );
  });
});
