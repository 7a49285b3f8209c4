import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyBalances, settleBalances } from "./model.js";

describe("balances", () => {
  it("never offer more than was authorized, captured or left", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (authorized, capturedRaw, refundedRaw) => {
          const captured = Math.min(capturedRaw, authorized);
          const refunded = Math.min(refundedRaw, captured);
          const b = settleBalances({
            ...emptyBalances(),
            total_authorized: authorized,
            total_captured: captured,
            total_refunded: refunded,
          });
          expect(b.available_to_capture).toBe(authorized - captured);
          expect(b.available_to_refund).toBe(captured - refunded);
          // Voiding is only possible before anything was captured.
          expect(b.available_to_void).toBe(captured === 0 ? authorized : 0);
        },
      ),
    );
  });
});
