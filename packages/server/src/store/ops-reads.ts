import { emailKey, type SqlExecutor } from "../db/sql-client.js";
import type { TimelineEntry } from "../orders/model.js";

/**
 * Reads the operations console needs beside the order store's own: a timeline a page at a time,
 * the disputes still open on orders, a customer's totals, the currencies orders were taken in.
 * Plain functions over the database the store uses, on SQLite and PostgreSQL alike.
 */

/** One page of an order's timeline, newest first; `older` is the cursor for the page before it. */
export async function timelinePage(
  db: SqlExecutor,
  orderId: string,
  page: { limit: number; before?: number | undefined },
): Promise<{ entries: TimelineEntry[]; older?: number }> {
  const before = page.before !== undefined && Number.isSafeInteger(page.before) ? page.before : undefined;
  const { rows } = await db.execute(
    `SELECT * FROM order_events WHERE order_id = ?${before !== undefined ? " AND id < ?" : ""}
     ORDER BY id DESC LIMIT ?`,
    [orderId, ...(before !== undefined ? [before] : []), page.limit + 1],
  );
  const entries = rows.slice(0, page.limit).map((r) => ({
    id: Number(r.id),
    orderId: String(r.order_id),
    at: String(r.at),
    kind: String(r.kind),
    detail: JSON.parse(String(r.detail_json)) as Record<string, unknown>,
  }));
  const last = entries.at(-1);
  return { entries, ...(rows.length > page.limit && last ? { older: last.id } : {}) };
}

/** Checkout.com's dispute events after which a dispute needs nothing more from the merchant. */
const DISPUTE_CLOSED = new Set([
  "dispute_accepted",
  "dispute_canceled",
  "dispute_expired",
  "dispute_lost",
  "dispute_won",
  "dispute_resolved",
  "dispute_arbitration_won",
  "dispute_arbitration_lost",
]);

/** A dispute as the order's timeline knows it (Checkout.com's Disputes API knows more). */
export interface OrderDispute {
  disputeId: string;
  /** The latest event Checkout.com sent about it. */
  type: string;
  open: boolean;
  amount?: number;
  currency?: string;
  /** The card scheme's reason code (`10.4`), and Checkout.com's category of it (`fraudulent`) when known. */
  reasonCode?: string;
  category?: string;
  evidenceRequiredBy?: string;
}

/** The disputes of these orders, from their timelines' `dispute` entries, latest news per dispute. */
export async function disputesOfOrders(
  db: SqlExecutor,
  orderIds: readonly string[],
): Promise<Map<string, OrderDispute[]>> {
  const found = new Map<string, Map<string, OrderDispute>>();
  for (let i = 0; i < orderIds.length; i += 200) {
    const chunk = orderIds.slice(i, i + 200);
    if (chunk.length === 0) break;
    const { rows } = await db.execute(
      `SELECT order_id, detail_json FROM order_events
       WHERE kind = 'dispute' AND order_id IN (${chunk.map(() => "?").join(", ")}) ORDER BY id`,
      chunk,
    );
    for (const row of rows) {
      const d = JSON.parse(String(row.detail_json)) as Record<string, unknown>;
      if (typeof d.disputeId !== "string") continue;
      const orderId = String(row.order_id);
      const disputes = found.get(orderId) ?? new Map<string, OrderDispute>();
      const before = disputes.get(d.disputeId);
      const type = String(d.type ?? "");
      disputes.set(d.disputeId, {
        ...before,
        disputeId: d.disputeId,
        type,
        open: !DISPUTE_CLOSED.has(type),
        ...(typeof d.amount === "number" ? { amount: d.amount } : {}),
        ...(typeof d.currency === "string" ? { currency: d.currency } : {}),
        ...(typeof d.reasonCode === "string" ? { reasonCode: d.reasonCode } : {}),
        ...(typeof d.evidenceRequiredBy === "string" ? { evidenceRequiredBy: d.evidenceRequiredBy } : {}),
      });
      found.set(orderId, disputes);
    }
  }
  return new Map([...found].map(([orderId, disputes]) => [orderId, [...disputes.values()]]));
}

/** What one customer (by email, any case) has ordered and paid, per currency. */
export interface CustomerTotals {
  currency: string;
  orders: number;
  /** Orders whose payment was captured (refunded or not), and their amounts. */
  paidOrders: number;
  paid: number;
  /** Refunded on those payments, as recorded when Checkout.com confirmed each refund. */
  refunded: number;
}

export async function customerTotals(db: SqlExecutor, email: string): Promise<CustomerTotals[]> {
  const { rows } = await db.execute(
    `SELECT o.currency,
            COUNT(*) AS orders,
            SUM(CASE WHEN o.status IN ('captured', 'partially_refunded', 'refunded') THEN 1 ELSE 0 END) AS paid_orders,
            SUM(CASE WHEN o.status IN ('captured', 'partially_refunded', 'refunded') THEN o.amount ELSE 0 END) AS paid,
            COALESCE(SUM((SELECT SUM(r.amount) FROM refunds r WHERE r.order_id = o.id)), 0) AS refunded
     FROM orders o WHERE ${emailKey(db.dialect, "o.customer_email")} = LOWER(?)
     GROUP BY o.currency ORDER BY o.currency`,
    [email],
  );
  return rows.map((r) => ({
    currency: String(r.currency),
    orders: Number(r.orders),
    paidOrders: Number(r.paid_orders ?? 0),
    paid: Number(r.paid ?? 0),
    refunded: Number(r.refunded ?? 0),
  }));
}

/** Every currency an order was taken in, for the console's currency filter. */
export async function orderCurrencies(db: SqlExecutor): Promise<string[]> {
  const { rows } = await db.execute("SELECT DISTINCT currency FROM orders ORDER BY currency");
  return rows.map((r) => String(r.currency));
}
