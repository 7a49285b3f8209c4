import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CurrencyAmountError,
  currencyExponent,
  formatMoney,
  fromMinorUnits,
  toMinorUnits,
} from "./currency.js";

describe("currency exponents", () => {
  it.each([
    ["JPY", 0],
    ["KRW", 0],
    ["GBP", 2],
    ["EUR", 2],
    ["USD", 2],
    ["KWD", 3],
    ["BHD", 3],
    ["OMR", 3],
    ["JOD", 3],
    ["TND", 3],
    ["LYD", 3],
    ["IQD", 3],
  ])("%s has %i decimal places", (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });

  it("converts decimals to minor units exactly, with no floating-point drift", () => {
    expect(toMinorUnits("0.29", "GBP")).toBe(29);
    expect(toMinorUnits("19.99", "EUR")).toBe(1999);
    expect(toMinorUnits("1.250", "KWD")).toBe(1250);
    expect(toMinorUnits("500", "JPY")).toBe(500);
    expect(toMinorUnits("12", "GBP")).toBe(1200);
  });

  it("refuses more decimals than the currency has, rather than rounding money", () => {
    expect(() => toMinorUnits("1.001", "GBP")).toThrow(CurrencyAmountError);
    expect(() => toMinorUnits("1.5", "JPY")).toThrow(/JPY has 0 decimal places/);
    expect(() => toMinorUnits("-1", "GBP")).toThrow(CurrencyAmountError);
    expect(() => toMinorUnits("1e3", "GBP")).toThrow(CurrencyAmountError);
  });

  it("round-trips every minor amount in every exponent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.constantFrom("JPY", "GBP", "KWD"),
        (minor, currency) => {
          expect(toMinorUnits(fromMinorUnits(minor, currency), currency)).toBe(minor);
        },
      ),
    );
  });

  it("formats for the shopper's locale with the currency's own decimals", () => {
    expect(formatMoney(6540, "GBP", "en-GB")).toBe("£65.40");
    expect(formatMoney(500, "JPY", "en-US")).toBe("¥500");
    expect(formatMoney(1250, "KWD", "en-GB")).toBe("KWD\u00a01.250");
    expect(formatMoney(123456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
  });
});
