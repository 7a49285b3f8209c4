import type { PaymentDetails } from "@handoff/contracts";
import type { PaymentSignal } from "./state-machine.js";

/** What a payment's current status says happened, for a lookup (3-D Secure return, reconciliation). */
export function signalFromPayment(
  payment: Pick<PaymentDetails, "status" | "risk">,
): PaymentSignal | undefined {
  switch (payment.status) {
    case "Authorized":
    case "Card Verified":
      return payment.risk?.flagged ? "flagged" : "authorized";
    case "Captured":
    case "Partially Captured":
    case "Paid":
      return "captured";
    case "Partially Refunded":
      return "partially_refunded";
    case "Refunded":
      return "refunded";
    case "Declined":
      return "declined";
    case "Voided":
      return "voided";
    case "Canceled":
      return "canceled";
    case "Expired":
      return "expired";
    default:
      // Pending and the like: nothing has happened yet.
      return undefined;
  }
}
