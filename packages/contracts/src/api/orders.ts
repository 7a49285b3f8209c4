import { z } from "zod";

/**
 * An order's payment status, as shoppers, merchants and the ops dashboard see it. It only moves
 * forward: `pending → requires_action → authorized → captured → partially_refunded → refunded`,
 * with `needs_review` beside `authorized` (risk-flagged), and final `declined`, `voided`,
 * `canceled`, `expired`.
 */
export const ORDER_STATUSES = [
  "pending",
  "requires_action",
  "authorized",
  "needs_review",
  "captured",
  "partially_refunded",
  "refunded",
  "declined",
  "voided",
  "canceled",
  "expired",
] as const;
export const orderStatusSchema = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof orderStatusSchema>;

/** `GET /api/orders/:id`: what a shopper may see of their order. */
export const orderSummarySchema = z.object({
  orderId: z.string(),
  status: orderStatusSchema,
  amount: z.number().int(),
  currency: z.string(),
  /** A status a person understands, e.g. "Paid" or "Waiting for your bank". */
  label: z.string(),
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;

const LABELS: Record<OrderStatus, string> = {
  pending: "Waiting for payment",
  requires_action: "Waiting for your bank to confirm",
  authorized: "Paid",
  needs_review: "Paid, being reviewed",
  captured: "Paid",
  partially_refunded: "Partly refunded",
  refunded: "Refunded",
  declined: "Payment declined",
  voided: "Payment cancelled",
  canceled: "Payment cancelled",
  expired: "Payment expired",
};

export function orderStatusLabel(status: OrderStatus): string {
  return LABELS[status];
}
