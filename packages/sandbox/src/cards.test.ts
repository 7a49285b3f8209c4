import { classifyResponseCode } from "@handoff/contracts";
import { describe, expect, it } from "vitest";
import { behaviourOf, legacyAmountTrigger, luhnValid, schemeOf, TEST_CARDS } from "./cards.js";

describe("test cards", () => {
  it("are all valid card numbers", () => {
    for (const number of Object.keys(TEST_CARDS)) expect(luhnValid(number), number).toBe(true);
  });

  it("approve with 4242 and with any unknown valid number", () => {
    expect(behaviourOf("4242424242424242")).toEqual({ kind: "approve" });
    expect(behaviourOf("4000000000000200")).toEqual({ kind: "approve" });
  });

  it("decline with codes whose family matches Checkout.com's classes", () => {
    expect(behaviourOf("4544249167673670")).toMatchObject({ kind: "decline", code: "20051" });
    expect(behaviourOf("4539253655711767")).toMatchObject({ kind: "decline", code: "30043" });
    for (const behaviour of Object.values(TEST_CARDS)) {
      if (behaviour.kind === "decline")
        expect(classifyResponseCode(behaviour.code).category).not.toBe("approved");
    }
  });

  it("knows the scheme and its CVV length", () => {
    expect(schemeOf("378282246310005")).toEqual({ scheme: "Amex", cvvLength: 4 });
    expect(schemeOf("5436031030606378").scheme).toBe("Mastercard");
    expect(schemeOf("2223000010479399").scheme).toBe("Mastercard");
  });

  it("reads the legacy amount triggers only for the amounts in Checkout.com's table", () => {
    expect(legacyAmountTrigger(1005)).toMatchObject({ code: "20005" });
    expect(legacyAmountTrigger(10051)).toMatchObject({ code: "20051" });
    expect(legacyAmountTrigger(4001)).toMatchObject({ code: "40101" });
    expect(legacyAmountTrigger(1000)).toBeUndefined();
    expect(legacyAmountTrigger(51)).toBeUndefined();
  });
});
