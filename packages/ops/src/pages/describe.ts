import { formatMoney } from "@handoff/contracts";
import type { TimelineEntry } from "@handoff/server";
import { type HtmlSafeString, html } from "../views.js";

const amountText = (d: Record<string, unknown>, currency: string) =>
  typeof d.amount === "number" ? formatMoney(d.amount, currency) : "";

/** One line of a timeline entry a person can read: what happened, from whom, why. */
export function describe(entry: TimelineEntry, currency: string): HtmlSafeString {
  const d = entry.detail as Record<string, unknown>;
  switch (entry.kind) {
    case "order_created":
      return html`Order created for ${amountText(d, currency)}`;
    case "order_repriced":
      return html`Checkout opened for ${amountText(d, currency)}`;
    case "attempt_started":
      return html`Payment attempt started`;
    case "stock_reserved":
      return html`Stock held`;
    case "stock_refused":
      return html`Not enough stock: payment refused before charging`;
    case "processor_call":
      return html`Checkout.com ${d.operation} (try ${d.attempt}) answered ${d.status ?? d.error} in ${d.durationMs} ms`;
    case "status_changed":
      return html`Status ${d.from} → <strong>${d.to}</strong> (${d.signal ?? d.change} from ${d.source})`;
    case "signal_ignored":
      return html`Ignored ${d.signal ?? d.change} from ${d.source}: ${d.reason}`;
    case "webhook":
      return html`Webhook ${d.type}${d.responseCode ? html` (response ${d.responseCode})` : html``}`;
    case "operator_action":
      return html`${d.operator ?? "An operator"} asked for a ${d.action}${typeof d.amount === "number" ? html` of ${amountText(d, currency)}` : html``}${d.reason ? html` — “${d.reason}”` : html``}: ${d.accepted ? "accepted by Checkout.com" : html`refused (${d.failure})`}`;
    case "review_released":
      return html`${d.operator ?? "An operator"} released the review`;
    case "dispute":
      return html`Dispute ${d.type} (${d.reasonCode ?? "no reason given"})${typeof d.amount === "number" ? html` for ${amountText(d, String(d.currency ?? currency))}` : html``}`;
    case "operator_dispute":
      return html`${d.operator ?? "An operator"} ${d.action === "accept" ? "accepted the dispute" : "submitted evidence for the dispute"} ${d.disputeId}: ${d.accepted ? "accepted by Checkout.com" : html`refused (${d.failure})`}`;
    case "confirm_refused":
      return html`Payment refused before charging: ${d.error}`;
    case "stray_payment_reversed":
      return html`A payment approved after the shopper left 3-D Secure was ${d.action === "refund" ? "refunded" : "voided"}${d.accepted ? "" : html` (not accepted: ${d.failure})`}`;
    case "outcome_unknown":
      return html`Checkout.com did not answer (${d.reason}); the sweep will find out`;
    default:
      return html`${entry.kind.replace(/_/g, " ")}`;
  }
}
