import { describe, expect, it } from "vitest";
import { errorView, outcomeView, sessionView } from "./errors.js";
import type { CheckoutEvent, PaymentInitiatedDetail } from "./types.js";
import { eventFor, type View } from "./view.js";

const token: PaymentInitiatedDetail = { processorToken: "tok_x", method: "card", cartId: "c", card: {} };
const ready: CheckoutEvent = { type: "handoff-ready", detail: { amount: 1450, currency: "GBP" } };

describe("the view", () => {
  it("turns each confirm answer into one screen", () => {
    const approved = { status: "approved", orderId: "ord_1", paymentId: "pay_1" } as const;
    expect(outcomeView({ kind: "approved", body: approved }, token, "")).toEqual({
      kind: "approved",
      body: approved,
    });
    expect(outcomeView({ kind: "token", code: "TOKEN_USED" }, token, "")).toMatchObject({
      kind: "ready",
      notice: { key: "enterCardAgain", error: { code: "TOKEN_USED" } },
    });
    // A network failure offers Try again with the same token: the server answers it idempotently.
    expect(outcomeView({ kind: "error", code: "NETWORK_ERROR", retryable: true }, token, "")).toMatchObject({
      kind: "failed",
      key: "networkError",
      retry: { kind: "confirm", token },
    });
    expect(outcomeView({ kind: "error", code: "CART_CHANGED", retryable: true }, token, "")).toBeUndefined();
  });

  it("offers Try again on a session the server could not give, not on one it refused", () => {
    const session = { kind: "session" };
    expect(sessionView({ kind: "other", failed: "NETWORK_ERROR" }, "")).toMatchObject({
      kind: "failed",
      key: "networkError",
      retry: session,
    });
    expect(sessionView({ kind: "other", status: 503 }, "")).toMatchObject({
      error: { code: "HTTP_503" },
      key: "unavailable",
      retry: session,
    });
    const refused = sessionView({ kind: "other", status: 404, body: { error: "CART_NOT_FOUND" } }, "");
    expect(refused).toMatchObject({ kind: "failed", error: { code: "CART_NOT_FOUND", retryable: false } });
    expect(refused).not.toHaveProperty("retry");
  });

  it("ends the checkout on an answer that cannot change: already paid, sold out", () => {
    const paid = errorView(
      { code: "ORDER_COMPLETED", retryable: false, body: { orderUrl: "/o/1" } },
      "genericError",
      { kind: "session" },
      "/cart",
    );
    expect(paid).toMatchObject({
      kind: "blocked",
      key: "alreadyPaid",
      link: { href: "/o/1", key: "viewOrder" },
    });
    const soldOut = errorView(
      {
        code: "OUT_OF_STOCK",
        retryable: false,
        body: { lines: [{ sku: "mug", name: "Mug", requested: 2, available: 1 }] },
      },
      "genericError",
      { kind: "session" },
      "/cart",
    );
    expect(soldOut).toMatchObject({ kind: "blocked", key: "soldOut", items: "Mug", link: { href: "/cart" } });
    expect(soldOut).not.toHaveProperty("retry");
  });

  it("emits events from transitions: ready once, from loading; errors with their detail", () => {
    const loading: View = { kind: "loading" };
    expect(eventFor(loading, { kind: "ready" }, ready)).toBe(ready);
    expect(eventFor({ kind: "declined", body: {} as never }, { kind: "ready" }, ready)).toBeUndefined();
    const error = { code: "NETWORK_ERROR" as const, message: "x", retryable: true };
    expect(eventFor(loading, { kind: "failed", error, key: "networkError" }, ready)).toEqual({
      type: "handoff-error",
      detail: error,
    });
    expect(eventFor(loading, { kind: "paying", method: "card", checking: false }, ready)).toBeUndefined();
  });
});
