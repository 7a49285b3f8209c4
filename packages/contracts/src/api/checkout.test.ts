import { describe, expect, it } from "vitest";
import { CONFIRM_STATUS, confirmRequestSchema, confirmResponseSchema } from "./checkout.js";
import { ERROR_STATUS, errorResponseSchema, toRequestIssues } from "./errors.js";

describe("our confirm API", () => {
  it("takes a cart and a token; an amount is only what the shopper was shown, and extra fields are dropped", () => {
    const parsed = confirmRequestSchema.parse({
      cartId: "cart_1",
      processorToken: "tok_ubfj2q76miwundwlk72vxt2i7q",
      amount: 1450,
      currency: "GBP",
      total: 1,
    });
    expect(parsed).toEqual({
      cartId: "cart_1",
      processorToken: "tok_ubfj2q76miwundwlk72vxt2i7q",
      amount: 1450,
      currency: "GBP",
    });
    const fractional = confirmRequestSchema.safeParse({ ...parsed, amount: 14.5 });
    expect(fractional.success).toBe(false);
  });

  it("explains a bad request field by field", () => {
    const result = confirmRequestSchema.safeParse({ cartId: "", processorToken: "4242424242424242" });
    expect(result.success).toBe(false);
    expect(toRequestIssues(result.error!).map((i) => i.path)).toEqual(["cartId", "processorToken"]);
    expect(toRequestIssues(result.error!)[1]?.message).toMatch(/tok_/);
  });

  it("describes each outcome with its own shape and status", () => {
    const declined = confirmResponseSchema.parse({
      status: "declined",
      orderId: "ord_1",
      code: "20051",
      reason: "insufficient_funds",
      category: "soft",
      retryable: true,
      message: "Your card has insufficient funds. Try another card.",
    });
    expect(CONFIRM_STATUS[declined.status]).toBe(402);
    expect(confirmResponseSchema.safeParse({ status: "requires_action", orderId: "ord_1" }).success).toBe(
      false,
    );
  });

  it("gives every error code a 4xx, or 502/503 for the processor and store, never a 500", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      const upstream = code === "PROCESSOR_REJECTED" ? 502 : code.endsWith("_UNAVAILABLE") ? 503 : undefined;
      expect(status, code).toBe(upstream ?? status);
      if (!upstream) expect(status >= 400 && status < 500, code).toBe(true);
    }
    expect(errorResponseSchema.safeParse({ error: "OUT_OF_STOCK", message: "x" }).success).toBe(true);
    expect(errorResponseSchema.safeParse({ error: "SOMETHING_ELSE", message: "x" }).success).toBe(false);
  });
});
