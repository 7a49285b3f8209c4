import { readFileSync } from "node:fs";
import { classifyResponseCode } from "@handoff/contracts";
import { describe, expect, it } from "vitest";
import { behaviourOf, legacyAmountTrigger, luhnValid, schemeOf, TEST_CARDS } from "./cards.js";

describe("test cards", () => {
  it("are all valid card numbers", () => {
    for (const number of Object.keys(TEST_CARDS)) expect(luhnValid(number), number).toBe(true);
  });

  it("are, in the README's table, the numbers the sandbox knows, each with the outcome the table says", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Test cards"), readme.indexOf("## Webhooks"));
    const rows = section.split("\n").filter((line) => /^\| \d/.test(line));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const [cards = "", outcome = ""] = row.split("|").slice(1, 3);
      const kind = outcome.includes("challenge")
        ? "3ds_challenge"
        : outcome.includes("frictionless")
          ? "3ds_frictionless"
          : outcome.includes("not enrolled")
            ? "not_3ds_enrolled"
            : outcome.includes("risk-flagged")
              ? "approve_flagged"
              : outcome.includes("declined")
                ? "decline"
                : "approve";
      for (const typed of cards.match(/\d[\d ]{12,22}\d/g) ?? []) {
        const number = typed.replace(/ /g, "");
        expect(`${typed}: ${TEST_CARDS[number]?.kind}`).toBe(`${typed}: ${kind}`);
      }
    }
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
