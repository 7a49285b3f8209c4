import type { Sandbox } from "@handoff/sandbox";

const STATUS: Record<string, string> = {
  Authorized: "authorized",
  Captured: "captured",
  "Partially Refunded": "partially_refunded",
  Refunded: "refunded",
  Declined: "declined",
  Voided: "voided",
};

/** The order status the sandbox's payment calls for: held for review while a flagged payment stands. */
export function expectedOrderStatus(sandbox: Sandbox, orderId: string): string {
  const payment = [...sandbox.payments.payments.values()].find((p) => p.reference === orderId);
  const truth = payment ? (STATUS[payment.status] ?? payment.status) : "pending";
  const held = payment?.risk.flagged && (truth === "authorized" || truth === "captured");
  return held ? "needs_review" : truth;
}
