import type { PaymentEvent } from "@handoff/contracts";
import type { PaymentSignal } from "../orders/state-machine.js";

/** What a payment_* webhook says happened; undefined for events that change no status. */
export function signalFromEvent(event: PaymentEvent): PaymentSignal | undefined {
  const data = event.data;
  switch (event.type) {
    case "payment_approved":
    case "card_verified":
    case "payment_authorized":
      return data.risk?.flagged ? "flagged" : "authorized";
    case "payment_pending":
      return "requires_action";
    case "payment_declined":
    case "card_verification_declined":
    case "payment_authentication_failed":
      return "declined";
    case "payment_captured":
    case "payment_paid":
      return "captured";
    case "payment_refunded": {
      // Balances say whether anything is left to refund; without them, assume a part.
      const b = data.balances;
      return b && b.total_refunded >= b.total_captured && b.total_captured > 0
        ? "refunded"
        : "partially_refunded";
    }
    case "payment_voided":
      return "voided";
    case "payment_canceled":
      return "canceled";
    case "payment_expired":
      return "expired";
    default:
      // capture/refund/void declined or pending, increments, returns, retries: recorded, not a status.
      return undefined;
  }
}
