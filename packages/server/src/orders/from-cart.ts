import { ConstraintError } from "../db/sql-client.js";

import { newId } from "../new-id.js";
import type { Order, PricedCart } from "./model.js";
import type { OrderDeps } from "./ports.js";

/** Whether the order still describes the cart as it is priced now (lines, quantities, prices, total). */
export function matchesCart(order: Order, cart: PricedCart): boolean {
  if (order.amount !== cart.total || order.currency !== cart.currency) return false;
  if (order.lines.length !== cart.lines.length) return false;
  return order.lines.every((line, i) => {
    const now = cart.lines[i];
    return (
      now !== undefined &&
      line.sku === now.sku &&
      line.quantity === now.quantity &&
      line.unitAmount === now.unitAmount
    );
  });
}

/** The cart's one order, created on first sight; two requests racing to create it get the same one. */
export async function orderForCart(deps: Pick<OrderDeps, "store" | "now">, cart: PricedCart): Promise<Order> {
  const existing = await deps.store.findOrderByCart(cart.cartId);
  if (existing) return existing;
  const at = deps.now().toISOString();
  const order: Order = {
    id: newId("ord"),
    cartId: cart.cartId,
    amount: cart.total,
    currency: cart.currency,
    lines: cart.lines,
    status: "pending",
    riskFlagged: false,
    createdAt: at,
    updatedAt: at,
  };
  try {
    await deps.store.createOrder(order);
    return order;
  } catch (error) {
    if (!(error instanceof ConstraintError)) throw error;
    const winner = await deps.store.findOrderByCart(cart.cartId);
    if (!winner) throw error;
    return winner;
  }
}
