import { describe, expectTypeOf, it } from "vitest";
import type { DisputeEventData, HandoffEvent, OrderEventData } from "./events.js";

// Checked by `pnpm typecheck`: a destination's handler narrows `data` by `type`, with no cast.
function amountOf(event: HandoffEvent): number | undefined {
  if (event.type === "order.paid") {
    expectTypeOf(event.data).toEqualTypeOf<OrderEventData>();
    return event.data.amount;
  }
  if (event.type === "dispute.opened") {
    expectTypeOf(event.data).toEqualTypeOf<DisputeEventData>();
    return event.data.amount;
  }
  // @ts-expect-error: a forwarded Checkout.com event's data is its own payload, not an order's
  return event.data.amount.toFixed();
}

describe("HandoffEvent", () => {
  it("narrows data by type", () => {
    expectTypeOf(amountOf).returns.toEqualTypeOf<number | undefined>();
  });
});
