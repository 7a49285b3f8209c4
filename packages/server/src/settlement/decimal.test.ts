import { describe, expect, it } from "vitest";
import { DecimalError, decimalOf, formatDecimal, fromMinor, parseDecimal, toMinorExact } from "./decimal.js";

describe("settlement decimals", () => {
  it("adds Checkout.com's amounts exactly, where floats would not", () => {
    const sum = ["0.1", "0.2", "-0.30000001", "0.00000001"].map(parseDecimal).reduce((a, b) => a + b, 0n);
    expect(formatDecimal(sum, "GBP")).toBe("0.00");
    expect(0.1 + 0.2 - 0.30000001 + 0.00000001).not.toBe(0);
  });

  it("keeps a fee's eight places and the currency's own places", () => {
    expect(formatDecimal(parseDecimal("-0.01234567"), "GBP")).toBe("-0.01234567");
    expect(formatDecimal(parseDecimal("12.5"), "GBP")).toBe("12.50");
    expect(formatDecimal(parseDecimal("1200"), "JPY")).toBe("1200");
    expect(formatDecimal(parseDecimal("1.25"), "KWD")).toBe("1.250");
  });

  it("converts minor units by each currency's exponent (JPY 0, GBP 2, KWD 3)", () => {
    expect(fromMinor(1200, "JPY")).toBe(parseDecimal("1200"));
    expect(fromMinor(2900, "GBP")).toBe(parseDecimal("29.00"));
    expect(fromMinor(1250, "KWD")).toBe(parseDecimal("1.250"));
    expect(toMinorExact(parseDecimal("1.250"), "KWD")).toBe(1250n);
    expect(toMinorExact(parseDecimal("0.015"), "GBP")).toBeUndefined();
  });

  it("reads API numbers through what the JSON said, and refuses what it cannot hold exactly", () => {
    expect(decimalOf(0.1)).toBe(parseDecimal("0.1"));
    expect(decimalOf(1e-7)).toBe(parseDecimal("0.0000001"));
    expect(decimalOf("-3.75")).toBe(parseDecimal("-3.75"));
    expect(() => parseDecimal("0.123456789")).toThrow(DecimalError);
    expect(() => parseDecimal("1e3")).toThrow(DecimalError);
    expect(() => parseDecimal("12,50")).toThrow(DecimalError);
    expect(() => decimalOf(Number.NaN)).toThrow(DecimalError);
  });
});
