import { describe, expect, it } from "vitest";
import { type Answer, toAnswer } from "./api.js";
import { toOutcome } from "./outcome.js";
import type { PaymentInitiatedResult } from "./types.js";

const approved = { status: "approved", orderId: "ord_1", paymentId: "pay_1" } as const;
const answer = (body: unknown, status?: number) =>
  toOutcome(toAnswer(body as PaymentInitiatedResult, status));

describe("what a confirm answer means", () => {
  it("settles the payment on approved, declined or 3-D Secure, whoever answered", () => {
    expect(toAnswer(approved, 200)).toEqual({ kind: "approved", body: approved });
    expect(toAnswer(approved)).toEqual({ kind: "approved", body: approved });
    expect(answer(approved, 200)).toEqual({ kind: "approved", body: approved });
  });

  it.each<[string, Answer, ReturnType<typeof toOutcome>]>([
    [
      "a timeout is unanswered, worth asking again",
      { kind: "other", failed: "TIMEOUT" },
      { kind: "error", code: "TIMEOUT", retryable: true },
    ],
    [
      "the merchant's callback threw",
      { kind: "other", failed: "MERCHANT_CONFIRM_FAILED" },
      { kind: "error", code: "MERCHANT_CONFIRM_FAILED", retryable: true },
    ],
  ])("%s", (_, given, expected) => {
    expect(toOutcome(given)).toEqual(expected);
  });

  it("asks for a fresh card token when the one sent was used or expired", () => {
    expect(answer({ error: "TOKEN_USED", retryable: false }, 409)).toEqual({
      kind: "token",
      code: "TOKEN_USED",
    });
    expect(answer({ error: "TOKEN_EXPIRED" })).toEqual({ kind: "token", code: "TOKEN_EXPIRED" });
  });

  it("keeps the server's code, message and the body its screen reads", () => {
    const body = { error: "OUT_OF_STOCK", message: "Sold out", retryable: false, lines: [{ sku: "a" }] };
    expect(answer(body, 409)).toEqual({
      kind: "error",
      code: "OUT_OF_STOCK",
      retryable: false,
      message: "Sold out",
      body,
    });
  });

  it("names an answer that is not Handoff's JSON by its HTTP status, retryable only when the server may recover", () => {
    expect(answer(undefined, 502)).toMatchObject({ kind: "error", code: "HTTP_502", retryable: true });
    expect(answer(undefined, 409)).toMatchObject({ code: "HTTP_409", retryable: true });
    expect(answer(undefined, 404)).toMatchObject({ code: "HTTP_404", retryable: false });
  });

  it("does not trust a merchant's callback that answers nonsense", () => {
    expect(answer("ok")).toMatchObject({ kind: "error", code: "INVALID_ANSWER", retryable: true });
    expect(answer(undefined)).toMatchObject({ kind: "error", code: "INVALID_ANSWER", retryable: true });
    expect(answer({ status: "pending" })).toMatchObject({ kind: "error", code: "INVALID_ANSWER" });
  });
});
