import { formatMoney } from "@handoff/contracts";
import type { PricedCart } from "@handoff/server";
import { BILLING_COUNTRIES } from "./catalog.js";
import { esc, page } from "./html.js";
import type { ShopperOrder } from "./shopper-order.js";

/** What the checkout page knows of the shopper before they type: kept with the cart's order. */
export interface KnownDetails {
  email?: string | undefined;
  country?: string | undefined;
  /** Why the last payment failed, in the shopper's words; shown above everything else. */
  problem?: string | undefined;
}

/**
 * The script-tag checkout: the cart, who pays, then the Handoff widget. With the details already
 * known (a shopper sent back by a failed 3-D Secure) the card form opens by itself.
 */
export function checkoutPage(cart: PricedCart, known: KnownDetails): string {
  const cartUrl = `/cart?cart=${encodeURIComponent(cart.cartId)}`;
  const country = known.country ?? "GB";
  const options = BILLING_COUNTRIES.map(
    (c) => `<option value="${esc(c.code)}"${c.code === country ? " selected" : ""}>${esc(c.name)}</option>`,
  ).join("");
  const problem = known.problem
    ? `<div class="notice error" role="alert" id="payment-problem"><p><strong>Your payment did not go through, and you have not been charged.</strong></p><p>${esc(known.problem)}</p></div>`
    : "";
  return page(
    "Checkout",
    `<main><h1>Checkout</h1>
${problem}
${cartSummary(cart, cartUrl)}
<form id="details" class="details">
  <label for="email">Email for your receipt</label>
  <input id="email" name="email" type="email" autocomplete="email" required value="${esc(known.email ?? "")}">
  <label for="country">Billing country</label>
  <select id="country" name="country" autocomplete="country" required>${options}</select>
  <button type="submit">Continue to payment</button>
</form>
<div id="checkout" data-cart-id="${esc(cart.cartId)}" data-cart-url="${esc(cartUrl)}"></div>
<p class="hint">Test cards: 4242 4242 4242 4242 (approved), 4544 2491 6767 3670 (insufficient funds), 4010 0617 0000 0021 (3-D Secure, password Checkout1!).</p></main>`,
    { scripts: ["/handoff.js", "/assets/checkout.js"] },
  );
}

/** The checkout of a cart already paid for (the shopper came back to it): where the order is, no second payment. */
export function paidCartPage(cart: PricedCart, orderId: string): string {
  return page(
    "Checkout",
    `<main><h1>Checkout</h1>
<div class="notice" role="status" id="cart-paid"><p><strong>You have already paid for this cart.</strong></p><p>Nothing more will be charged. <a href="/orders/${esc(orderId)}">See your order</a></p></div>
${cartTable(cart)}
<p><a href="/">Back to the shop</a></p></main>`,
  );
}

/** The cart's items and total, priced as the server prices them. */
function cartTable(cart: PricedCart): string {
  const money = (minor: number) => formatMoney(minor, cart.currency);
  const rows = cart.lines.map((l) => ({
    name: l.name,
    quantity: l.quantity,
    unit: money(l.unitAmount),
    amount: money(l.amount),
  }));
  return itemsTable(rows, money(cart.total), "Your cart");
}

function cartSummary(cart: PricedCart, cartUrl: string): string {
  return `${cartTable(cart)}
<p><a href="${esc(cartUrl)}">Edit cart</a></p>`;
}

/** Items, quantities, unit and line amounts, and the total: the same table on checkout and order. */
function itemsTable(rows: ShopperOrder["lines"], total: string, caption: string): string {
  const body = rows
    .map(
      (l) =>
        `<tr><th scope="row">${esc(l.name)}</th><td class="num">${esc(l.quantity)}</td><td class="num">${esc(l.unit)}</td><td class="num">${esc(l.amount)}</td></tr>`,
    )
    .join("");
  return `<table class="items"><caption>${esc(caption)}</caption>
<thead><tr><th scope="col">Item</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Price</th><th scope="col" class="num">Amount</th></tr></thead>
<tbody>${body}</tbody>
<tfoot><tr><th scope="row" colspan="3">Total</th><td class="num">${esc(total)}</td></tr></tfoot></table>`;
}

/** The shopper's order: where it stands, what happens next, what they bought. Kept live by order.js. */
export function orderPage(order: ShopperOrder): string {
  const action = order.action ? `<a href="${esc(order.action.href)}">${esc(order.action.text)}</a>` : "";
  return page(
    `Order ${order.orderId}`,
    `<main><h1>Your order</h1>
<div class="order-state" role="status" aria-live="polite" aria-atomic="true">
<p class="status" id="order-status" data-order-id="${esc(order.orderId)}" data-status="${esc(order.status)}">${esc(order.label)}</p>
<p class="money" id="order-money"${order.money ? "" : " hidden"}>${esc(order.money ?? "")}</p>
<p id="order-next">${esc(order.next)}</p>
</div>
<p id="order-action"${action ? "" : " hidden"}>${action}</p>
${itemsTable(order.lines, order.total, "What you ordered")}
<p class="reference">Order reference <code>${esc(order.orderId)}</code></p>
<p><a href="/">Back to the shop</a></p></main>`,
    { scripts: ["/assets/order.js"] },
  );
}
