import { formatMoney, orderStatusLabel, toRequestIssues } from "@handoff/contracts";
import { cartItemsSchema, type OrderStore, type SqlInventory } from "@handoff/server";
import express, { type Router } from "express";
import { esc, page } from "./html.js";

/** What shoppers and the React shop use: catalog, carts, checkout page, order page. */
export function storefrontRouter(deps: { inventory: SqlInventory; store: OrderStore }): Router {
  const router = express.Router();
  const { inventory, store } = deps;

  router.get("/api/products", async (_req, res) => {
    res.json({ products: await inventory.listProducts() });
  });

  router.post("/api/carts", express.json({ limit: "16kb" }), async (req, res) => {
    const parsed = cartItemsSchema.safeParse((req.body as { items?: unknown } | undefined)?.items);
    if (!parsed.success) {
      res.status(400).json({
        error: "INVALID_REQUEST",
        message: "items must be a list of {sku, quantity}.",
        issues: toRequestIssues(parsed.error),
      });
      return;
    }
    const result = await inventory.createCart(parsed.data);
    if (!result.ok) {
      const message =
        result.error === "UNKNOWN_SKU"
          ? `Unknown products: ${result.skus.join(", ")}.`
          : "A cart holds one currency.";
      res.status(400).json({ error: "INVALID_REQUEST", message, issues: [{ path: "items", message }] });
      return;
    }
    const { cartId, lines, total, currency } = result.cart;
    res.status(201).json({ cartId, lines, total: { amount: total, currency } });
  });

  router.get("/api/orders/:id", async (req, res) => {
    const order = await store.getOrder(req.params.id);
    if (!order) {
      res.status(404).json({ error: "ORDER_NOT_FOUND", message: "No such order." });
      return;
    }
    res.json({
      orderId: order.id,
      status: order.status,
      amount: order.amount,
      currency: order.currency,
      label: orderStatusLabel(order.status),
    });
  });

  router.get("/", async (_req, res) => {
    const products = await inventory.listProducts();
    const rows = products
      .map(
        (p) => `<li class="product">
  <label for="qty-${esc(p.sku)}"><span class="name">${esc(p.name)}</span> <span class="price">${esc(formatMoney(p.unitAmount, p.currency))}</span></label>
  <span class="stock">${p.stock > 0 ? `${esc(p.stock)} in stock` : "Sold out"}</span>
  <input id="qty-${esc(p.sku)}" name="${esc(p.sku)}" type="number" min="0" max="99" value="0" inputmode="numeric"${p.stock > 0 ? "" : " disabled"}>
</li>`,
      )
      .join("\n");
    res.send(
      page(
        "Handoff demo shop",
        `<main><h1>Handoff demo shop</h1>
<p>Everything here is offline: payments go to the local Checkout.com sandbox. Pay with 4242 4242 4242 4242.</p>
<form method="post" action="/cart"><ul class="products">${rows}</ul><button type="submit">Go to checkout</button></form>
<p><a href="/react/">The same shop in React</a> · <a href="/ops">Ops dashboard</a></p></main>`,
      ),
    );
  });

  router.post("/cart", express.urlencoded({ extended: false, limit: "8kb" }), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const items = Object.entries(form)
      .map(([sku, quantity]) => ({ sku, quantity: Number(quantity) }))
      .filter((item) => item.quantity > 0);
    const parsed = cartItemsSchema.safeParse(items);
    const result = parsed.success ? await inventory.createCart(parsed.data) : undefined;
    if (!result?.ok) {
      res
        .status(400)
        .send(
          page(
            "Cart",
            `<main><h1>Your cart</h1><p role="alert">Choose at least one product (up to 99 of each).</p><p><a href="/">Back to the shop</a></p></main>`,
          ),
        );
      return;
    }
    res.redirect(303, `/checkout?cart=${encodeURIComponent(result.cart.cartId)}`);
  });

  router.get("/checkout", async (req, res) => {
    const cartId = String(req.query.cart ?? "");
    const cart = cartId ? await inventory.priceCart(cartId) : undefined;
    if (!cart) {
      res
        .status(404)
        .send(
          page(
            "Checkout",
            `<main><h1>Checkout</h1><p role="alert">That cart does not exist.</p><p><a href="/">Back to the shop</a></p></main>`,
          ),
        );
      return;
    }
    const lines = cart.lines
      .map(
        (l) =>
          `<li>${esc(l.quantity)} × ${esc(l.name)} <span>${esc(formatMoney(l.amount, cart.currency))}</span></li>`,
      )
      .join("");
    res.send(
      page(
        "Checkout",
        `<main><h1>Checkout</h1>
<ul class="lines">${lines}</ul>
<p class="total">Total <strong>${esc(formatMoney(cart.total, cart.currency))}</strong></p>
<div id="checkout" data-cart-id="${esc(cart.cartId)}"></div>
<p class="hint">Test cards: 4242 4242 4242 4242 (approved), 4544 2491 6767 3670 (insufficient funds), 4010 0617 0000 0021 (3-D Secure, password Checkout1!).</p></main>`,
        { scripts: ["/handoff.js", "/assets/checkout.js"] },
      ),
    );
  });

  router.get("/orders/:id", async (req, res) => {
    const order = await store.getOrder(req.params.id);
    if (!order) {
      res
        .status(404)
        .send(page("Order", `<main><h1>Order not found</h1><p><a href="/">Back to the shop</a></p></main>`));
      return;
    }
    res.send(
      page(
        `Order ${order.id}`,
        `<main><h1>Your order</h1>
<p>Order <code>${esc(order.id)}</code> · ${esc(formatMoney(order.amount, order.currency))}</p>
<p class="status" role="status" aria-live="polite" id="order-status" data-order-id="${esc(order.id)}" data-status="${esc(order.status)}">${esc(orderStatusLabel(order.status))}</p>
<p><a href="/">Back to the shop</a></p></main>`,
        { scripts: ["/assets/order.js"] },
      ),
    );
  });

  return router;
}
