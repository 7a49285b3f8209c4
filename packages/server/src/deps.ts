import type { CheckoutBilling, CheckoutCustomer, HandoffEnvironment } from "@handoff/contracts";
import type { TrustProxy } from "./config/trust-proxy.js";
import type { ConfirmVelocity } from "./confirm/velocity.js";
import type { Inventory } from "./inventory/port.js";
import type { Logger } from "./logger.js";
import type { PaymentProcessor } from "./processor/port.js";
import type { PaymentSessionStore } from "./session/payment-sessions.js";
import type { OrderStore } from "./store/port.js";

export type { Logger } from "./logger.js";

export interface CheckoutSettings {
  environment: HandoffEnvironment;
  /** The only key the browser ever sees. */
  publicKey: string;
  /** `pc_…` for a currency, when the account needs one. */
  processingChannelFor: (currency: string) => string | undefined;
  /** Absolute URL of the 3-D Secure return route; Checkout.com sends the shopper back here. */
  threeDsReturnUrl: string;
  /** Where the shopper lands after 3-D Secure, and where a paid cart's checkout points. */
  orderPageUrl: (orderId: string) => string;
  /** The checkout page for a cart: a failed 3-D Secure sends the shopper back here to try again. */
  checkoutPageUrl?: ((cartId: string) => string) | undefined;
  /** Local mode: the sandbox's Web Components emulation script. */
  componentsScriptUrl?: string | undefined;
  /** Ask for 3-D Secure on every payment (Checkout.com decides whether to challenge). */
  threeDs: boolean;
  /**
   * Which proxies' `X-Forwarded-For` to believe for the shopper's address (HANDOFF_TRUST_PROXY):
   * every adapter and the ops console use it unless told otherwise. Unset: none.
   */
  trustProxy?: TrustProxy | undefined;
}

/** Everything a use case depends on, passed in once where the routes are wired. */
export interface HandoffDeps {
  store: OrderStore;
  inventory: Inventory;
  processor: PaymentProcessor;
  settings: CheckoutSettings;
  logger: Logger;
  now: () => Date;
  /**
   * Called after a transaction committed events to the outbox, so the outbox worker delivers them
   * now rather than at its next poll (`createOutbox` sets it).
   */
  outboxCommitted?: () => void;
  /** Card-testing limits on confirm, and flood limits on sessions; `createHandoff` supplies the defaults. */
  velocity?: ConfirmVelocity;
  /** The last payment session of each order, reused while nothing changed; none: a new one each time. */
  paymentSessions?: PaymentSessionStore;
  /**
   * Who pays, for Checkout.com's risk engine and Flow (customer email and name, billing country).
   * By default the session request's `customer` and `billing` are used as sent; a merchant who
   * knows the signed-in customer on the server returns them here instead.
   */
  sessionDetails?: (request: {
    cartId: string;
    customer?: CheckoutCustomer | undefined;
    billing?: CheckoutBilling | undefined;
  }) =>
    | Promise<{ customer?: CheckoutCustomer | undefined; billing?: CheckoutBilling | undefined }>
    | { customer?: CheckoutCustomer | undefined; billing?: CheckoutBilling | undefined };
}
