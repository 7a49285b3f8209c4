import type { HandoffErrorCode } from "@handoff/contracts";
import { describe, expectTypeOf, it } from "vitest";
import type {} from "./index.js";
import type { MountOptions } from "./mount.js";
import type { ErrorDetail, HandoffOptions, SubmitResult, WidgetErrorCode } from "./types.js";

// These are checked by `pnpm typecheck`: a missing augmentation or a widened type fails the build.
function listen(element: HTMLElementTagNameMap["handoff-checkout"]) {
  element.addEventListener("handoff-success", (e) => {
    expectTypeOf(e.detail.orderId).toEqualTypeOf<string>();
  });
  element.addEventListener("handoff-decline", (e) => {
    expectTypeOf(e.detail.retryable).toEqualTypeOf<boolean>();
  });
  element.addEventListener("handoff-error", (e) => {
    expectTypeOf(e.detail.code).toEqualTypeOf<WidgetErrorCode>();
  });
  // @ts-expect-error: a success carries no decline reason
  element.addEventListener("handoff-success", (e) => e.detail.reason);
  // @ts-expect-error: there is one checkout mode
  element.checkoutMode = "PaymentSession";
  return element;
}

// A merchant's own button learns the outcome from submit(), and `type` narrows `detail`.
async function ownButton(element: HTMLElementTagNameMap["handoff-checkout"]) {
  const result = await element.submit();
  expectTypeOf(result).toEqualTypeOf<SubmitResult>();
  if (result.type === "handoff-success") expectTypeOf(result.detail.orderId).toEqualTypeOf<string>();
  if (result.type === "handoff-error") expectTypeOf(result.detail.code).toEqualTypeOf<WidgetErrorCode>();
  // @ts-expect-error: only a decline has a decline category
  if (result.type === "handoff-success") return result.detail.category;
  return result;
}

describe("the element's types", () => {
  it("resolve submit() to the outcome, narrowed by its type", () => {
    expectTypeOf(ownButton).returns.resolves.toMatchTypeOf<SubmitResult | undefined>();
  });

  it("type listeners of every handoff-* event on the element and in mount()", () => {
    expectTypeOf(listen).returns.toHaveProperty("submit");
    expectTypeOf<Required<MountOptions>["onSuccess"]>()
      .parameter(0)
      .toEqualTypeOf<CustomEvent<import("./types.js").HandoffEventMap["handoff-success"]>>();
    expectTypeOf<HandoffOptions["checkoutMode"]>().toEqualTypeOf<"CheckoutDotComToken" | undefined>();
  });

  it("share the server's error codes: every code a Handoff server answers is a widget error code", () => {
    expectTypeOf<HandoffErrorCode>().toExtend<WidgetErrorCode>();
    expectTypeOf<"NETWORK_ERROR" | "HTTP_502" | "script_failed">().toExtend<ErrorDetail["code"]>();
    // @ts-expect-error: not a code anything sends
    expectTypeOf<"SOMETHING_ELSE">().toExtend<WidgetErrorCode>();
  });
});
