import { describe, expect, it } from "vitest";
import { parseMajor } from "./orders.js";

describe("an amount typed on the refund and capture forms", () => {
  it("takes the order's own currency, by symbol or code, and refuses another one rather than reading its number", () => {
    expect(parseMajor("£5", "GBP")).toBe(500);
    expect(parseMajor("GBP 5.10", "GBP")).toBe(510);
    expect(parseMajor("5 gbp", "GBP")).toBe(500);
    expect(parseMajor("€5,00".replace(",", "."), "EUR")).toBe(500);
    expect(parseMajor("¥500", "JPY")).toBe(500);
    for (const [typed, currency] of [
      ["¥5", "GBP"],
      ["$5", "GBP"],
      ["5 EUR", "GBP"],
      ["£5", "USD"],
      ["5p", "GBP"],
    ] as const) {
      expect(`${typed} on ${currency}: ${parseMajor(typed, currency)}`).toBe(
        `${typed} on ${currency}: "${typed}" is not an amount in ${currency} (e.g. 5.00).`,
      );
    }
  });
});
