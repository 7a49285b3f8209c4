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

/** A card token as Checkout.com's iframe would make it. */
export function sandboxToken(sandbox: Sandbox, number = "4242424242424242"): string {
  const made = sandbox.payments.createToken({
    type: "card",
    number,
    expiry_month: 12,
    expiry_year: 2040,
    cvv: "100",
  });
  return (made.body as { token: string }).token;
}
