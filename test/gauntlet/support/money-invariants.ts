import type { SandboxPayment } from "@handoff/sandbox";
import type { ScheduledShop } from "./scheduled-shop.js";

/** Order statuses in which the shop holds the shopper's money. */
const HOLDS_MONEY = new Set(["authorized", "needs_review", "captured", "partially_refunded"]);
/** Order statuses whose goods are sold (a refund gives the money back, not the goods). */
const SOLD = new Set([...HOLDS_MONEY, "refunded"]);
/** The order status each Checkout.com payment status calls for. */
const STATUS_OF: Record<string, string> = {
  Authorized: "authorized",
  Captured: "captured",
  "Partially Refunded": "partially_refunded",
  Refunded: "refunded",
  Voided: "voided",
};
/** Events that tell the merchant's systems about money taken or given back. */
const MONEY_EVENTS = new Set([
  "order.paid",
  "order.review_required",
  "order.released",
  "order.captured",
  "order.refunded",
  "order.voided",
]);

interface EventData {
  amount?: number;
  currency?: string;
  paymentId?: string;
  status?: string;
  refund?: { amount?: number; refundedTotal?: number };
}

/** What Checkout.com still holds of a payment: authorized and not captured or voided, or captured and not refunded. */
export function heldBy(p: SandboxPayment): number {
  if (!p.approved) return 0;
  const b = p.balances;
  return (
    Math.max(0, b.total_authorized - b.total_captured - b.total_voided) +
    (b.total_captured - b.total_refunded)
  );
}

/**
 * The money invariants for one settled order, as lines naming what broke (none when all hold):
 * I1 a paid order has exactly one live payment, for its amount and currency; I2 an unpaid order has
 * none; I3 committed stock equals the lines of paid orders, nothing else stays held, the shelf adds
 * up and never goes below zero; I4 the order's events add up to Checkout.com's balances.
 */
export async function moneyViolations(
  shop: ScheduledShop,
  orderId: string,
  shelf: ReadonlyMap<string, number>,
): Promise<string[]> {
  const order = await shop.deps.store.getOrder(orderId);
  if (!order) return [`order ${orderId} is gone`];
  const payments = [...shop.sandbox.payments.payments.values()].filter((p) => p.reference === orderId);
  const live = payments.filter((p) => heldBy(p) > 0);
  const out: string[] = [];
  const money = (p: SandboxPayment) => `${p.id} ${p.status} ${p.amount} ${p.currency} (holds ${heldBy(p)})`;

  if (HOLDS_MONEY.has(order.status)) {
    if (live.length !== 1) {
      out.push(`I1: ${order.status} order has ${live.length} live payments: ${live.map(money).join("; ")}`);
    }
    for (const p of live) {
      if (p.amount !== order.amount || p.currency !== order.currency) {
        out.push(`I1: order is ${order.amount} ${order.currency} but Checkout.com charged ${money(p)}`);
      }
    }
  } else if (live.length > 0) {
    out.push(`I2: ${order.status} order still holds money: ${live.map(money).join("; ")}`);
  }

  out.push(...(await stockViolations(shop, order.id, order.status, order.lines, shelf)));
  out.push(...(await eventViolations(shop, order.id, order.status, payments)));
  return out;
}

async function stockViolations(
  shop: ScheduledShop,
  orderId: string,
  status: string,
  lines: Array<{ sku: string; quantity: number }>,
  shelf: ReadonlyMap<string, number>,
): Promise<string[]> {
  const out: string[] = [];
  const rows = (
    await shop.db.execute("SELECT sku, quantity, state FROM stock_reservations WHERE order_id = ?", [orderId])
  ).rows.map((r) => ({ sku: String(r.sku), quantity: Number(r.quantity), state: String(r.state) }));
  const sold = SOLD.has(status);
  for (const sku of shelf.keys()) {
    const committed = rows
      .filter((r) => r.sku === sku && r.state === "committed")
      .reduce((n, r) => n + r.quantity, 0);
    const reserved = rows
      .filter((r) => r.sku === sku && r.state === "reserved")
      .reduce((n, r) => n + r.quantity, 0);
    const ordered = lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
    const expected = sold ? ordered : 0;
    if (committed !== expected) {
      out.push(`I3: ${sku}: ${committed} committed for a ${status} order of ${ordered}`);
    }
    if (reserved !== 0) out.push(`I3: ${sku}: ${reserved} still held by a settled ${status} order`);
    const stock = Number(
      (await shop.db.execute("SELECT stock FROM products WHERE sku = ?", [sku])).rows[0]?.stock,
    );
    const start = shelf.get(sku) ?? 0;
    if (stock < 0 || stock !== start - committed - reserved) {
      out.push(`I3: ${sku}: shelf shows ${stock}, started at ${start}, ${committed} sold, ${reserved} held`);
    }
  }
  return out;
}

/** The order's events as the merchant's systems receive them, oldest first. */
async function eventsOf(
  shop: ScheduledShop,
  orderId: string,
): Promise<Array<{ type: string; data: EventData }>> {
  const rows = await shop.db.execute("SELECT type, payload_json FROM outbox WHERE order_id = ? ORDER BY id", [
    orderId,
  ]);
  return rows.rows.map((r) => ({
    type: String(r.type),
    data: (JSON.parse(String(r.payload_json)) as { data: EventData }).data,
  }));
}

/** What the order's events told, for a failure report: `order.paid (authorized, 1450)`… */
export async function eventsTold(shop: ScheduledShop, orderId: string): Promise<string[]> {
  return (await eventsOf(shop, orderId))
    .filter((e) => e.type.startsWith("order."))
    .map((e) => `${e.type} (${e.data.status}, ${e.data.amount})`);
}

async function eventViolations(
  shop: ScheduledShop,
  orderId: string,
  status: string,
  payments: SandboxPayment[],
): Promise<string[]> {
  const out: string[] = [];
  const events = await eventsOf(shop, orderId);
  const moneyEvents = events.filter((e) => MONEY_EVENTS.has(e.type));
  const told = [...new Set(moneyEvents.map((e) => e.data.paymentId))];
  if (told.length > 1) out.push(`I4: events speak of ${told.length} payments: ${told.join(", ")}`);
  const paidTold = moneyEvents.filter((e) => e.type === "order.paid" || e.type === "order.review_required");
  if (paidTold.length > 1) out.push(`I4: told paid ${paidTold.length} times`);
  // The merchant's systems end where the order ends: the last word on money names its status.
  const last = moneyEvents.at(-1);
  if (last && last.data.status !== status)
    out.push(`I4: last money event says ${last.data.status}, order is ${status}`);

  // The balances to add up to are those of the payment the order ended with.
  const p = payments.find((x) => x.id === told.at(-1));
  if (told.length > 0 && !p) out.push(`I4: events speak of ${told.at(-1)}, which Checkout.com does not know`);
  if (!p) {
    if (SOLD.has(status) || status === "voided")
      out.push(`I4: ${status} order, but no event says what was paid`);
    return out;
  }
  for (const e of moneyEvents) {
    if (e.data.amount !== p.amount || e.data.currency !== p.currency) {
      out.push(
        `I4: ${e.type} says ${e.data.amount} ${e.data.currency}, ${p.id} is ${p.amount} ${p.currency}`,
      );
    }
  }
  // Fulfilment waits for order.paid (or a review): money held without it is an order nobody ships.
  if (paidTold.length === 0 && HOLDS_MONEY.has(status)) {
    out.push(`I4: ${status} order holds ${p.id}, but order.paid was never announced`);
  }
  const b = p.balances;
  const refunds = moneyEvents.filter((e) => e.type === "order.refunded");
  const lastTotal = refunds.at(-1)?.data.refund?.refundedTotal;
  const refunded = lastTotal ?? refunds.reduce((n, e) => n + (e.data.refund?.amount ?? Number.NaN), 0);
  if (refunded !== b.total_refunded) {
    out.push(`I4: refund events add up to ${refunded}, Checkout.com refunded ${b.total_refunded}`);
  }
  const voidTold = moneyEvents.some((e) => e.type === "order.voided");
  if (voidTold !== b.total_voided > 0)
    out.push(`I4: voided told ${voidTold}, Checkout.com voided ${b.total_voided}`);
  const capturedTold = moneyEvents.some((e) =>
    ["captured", "partially_refunded", "refunded"].includes(e.data.status ?? ""),
  );
  // A capture during a risk review is announced when the operator releases the order.
  if (capturedTold !== b.total_captured > 0 && status !== "needs_review") {
    out.push(`I4: capture told ${capturedTold}, Checkout.com captured ${b.total_captured}`);
  }
  const truth = STATUS_OF[p.status];
  const agrees =
    status === "needs_review" ? p.status === "Authorized" || p.status === "Captured" : truth === status;
  if (!agrees) out.push(`I4: order is ${status}, its payment ${p.id} is ${p.status}`);
  return out;
}
