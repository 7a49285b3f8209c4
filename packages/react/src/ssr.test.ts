import * as React from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";

describe("@handoff/react on the server", () => {
  it("imports and renders an inert placeholder without a window", async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe("undefined");
    const { HandoffCheckout } = await import("./index.js");
    const html = renderToString(
      React.createElement(HandoffCheckout, { sessionUrl: "/s", confirmUrl: "/c", cartId: "cart_1" }),
    );
    expect(html).toContain("<handoff-checkout");
    expect(html).not.toContain("iframe");
  });
});
