import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type {} from "./index.js";

describe("<handoff-checkout> in JSX", () => {
  it("type-checks its attributes and renders them onto the element", () => {
    const html = renderToString(
      <handoff-checkout session-url="/s" confirm-url="/c" cart-id="cart_1" checkout-flow="Modal" />,
    );
    expect(html).toContain('session-url="/s"');
    expect(html).toContain('checkout-flow="Modal"');
    // @ts-expect-error: not one of the element's flows
    const wrong = <handoff-checkout checkout-flow="Popup" />;
    expect(wrong).toBeTruthy();
  });
});
