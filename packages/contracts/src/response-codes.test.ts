import { describe, expect, it } from "vitest";
import {
  classifyResponseCode,
  DECLINE_MESSAGES_EN,
  DECLINE_REASONS,
  declineMessage,
} from "./response-codes.js";

describe("classifyResponseCode", () => {
  it.each([
    ["10000", "approved", null, false],
    ["10100", "approved", null, false],
    ["20051", "soft", "insufficient_funds", true],
    ["20054", "soft", "card_expired", true],
    ["20005", "soft", "generic_decline", true],
    ["20068", "soft", "issuer_unavailable", true],
    ["200N7", "soft", "cvv_failed", true],
    ["20154", "soft", "authentication_required", true],
    ["30033", "hard", "card_expired", false],
    ["30041", "hard", "card_unusable", false],
    ["30015", "hard", "card_number_invalid", false],
    ["40101", "risk", "risk_blocked", false],
    ["40203", "risk", "risk_blocked", false],
  ])("%s is %s (%s, retryable %s)", (code, category, reason, retryable) => {
    expect(classifyResponseCode(code)).toEqual({ category, reason, retryable });
  });

  it("treats an unknown code as a soft decline with the generic message", () => {
    expect(classifyResponseCode("29999")).toEqual({
      category: "soft",
      reason: "generic_decline",
      retryable: true,
    });
  });

  it("never tells a shopper the card was reported stolen", () => {
    expect(declineMessage(classifyResponseCode("30043").reason!)).not.toMatch(/stolen|lost|fraud/i);
    expect(declineMessage(classifyResponseCode("20059").reason!)).not.toMatch(/fraud/i);
  });

  it("has a message for every reason", () => {
    for (const reason of DECLINE_REASONS) expect(DECLINE_MESSAGES_EN[reason].length).toBeGreaterThan(10);
  });
});
