"use client";
/**
 * `<HandoffCheckout>` for React. The web component does the work; this is a thin, generated
 * wrapper (`@lit/react`), so nothing the element returns or emits is lost in translation.
 * Safe under StrictMode (the element survives mount → unmount → mount) and on the server
 * (importing it never touches `window`; the server renders an inert `<handoff-checkout>`).
 *
 * @example
 * <HandoffCheckout sessionUrl="/api/checkout/session" confirmUrl="/api/checkout/confirm" cartId={cartId}
 *   onSuccess={(e) => navigate(`/orders/${e.detail.orderId}`)} />
 */
import {
  type CheckoutFlow,
  type CheckoutMode,
  HandoffCheckout as HandoffCheckoutElement,
  type HandoffEventMap,
} from "@handoff/elements";
import { createComponent, type EventName } from "@lit/react";
import * as React from "react";

type Event<K extends keyof HandoffEventMap> = EventName<CustomEvent<HandoffEventMap[K]>>;

export const HandoffCheckout = createComponent({
  tagName: "handoff-checkout",
  elementClass: HandoffCheckoutElement,
  react: React,
  displayName: "HandoffCheckout",
  events: {
    onReady: "handoff-ready" as Event<"handoff-ready">,
    onTokenized: "handoff-tokenized" as Event<"handoff-tokenized">,
    onSuccess: "handoff-success" as Event<"handoff-success">,
    onDecline: "handoff-decline" as Event<"handoff-decline">,
    onRequiresAction: "handoff-requires-action" as Event<"handoff-requires-action">,
    onError: "handoff-error" as Event<"handoff-error">,
  },
});

export type HandoffCheckoutProps = React.ComponentProps<typeof HandoffCheckout>;

/** The element's attributes, for `<handoff-checkout>` written straight into JSX. */
export interface HandoffCheckoutAttributes
  extends React.DetailedHTMLProps<React.HTMLAttributes<HandoffCheckoutElement>, HandoffCheckoutElement> {
  "session-url"?: string;
  "confirm-url"?: string;
  "cart-id"?: string;
  "cart-url"?: string;
  "checkout-mode"?: CheckoutMode;
  "checkout-flow"?: CheckoutFlow;
  "confirm-timeout"?: number | string;
  locale?: string;
}

declare module "react" {
  // biome-ignore lint/style/noNamespace: React's JSX types are a namespace; this is how elements join them.
  namespace JSX {
    interface IntrinsicElements {
      "handoff-checkout": HandoffCheckoutAttributes;
    }
  }
}

export type {
  HandoffEventMap,
  HandoffOptions,
  PaymentInitiatedDetail,
  PaymentInitiatedResult,
} from "@handoff/elements";
