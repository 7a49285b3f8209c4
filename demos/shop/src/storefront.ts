import { formatMoney, orderStatusLabel, toRequestIssues } from "@handoff/contracts";
import { cartItemsSchema, type OrderStore, type SqlInventory } from "@handoff/server";
import express, { type Router } from "express";
import { esc, page } from "./html.js";

/** Billing countries the demo offers; Checkout.com's risk engine and Flow want one on every session. */
const COUNTRIES: Array<[string, string]> = [
  ["GB", "United Kingdom"],
  ["IE", "Ireland"],
  ["FR", "France"],
  ["DE", "Germany"],
  ["ES", "Spain"],
  ["NL", "Netherlands"],
  ["US", "United States"],
];

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
      if (result.error === "OUT_OF_STOCK") {
        res.status(409).json({
          error: "OUT_OF_STOCK",
          message: `Not enough stock for ${result.lines.map((l) => l.name ?? l.sku).join(", ")}.`,
          lines: result.lines,
        });
        return;
      }
      const message = cartProblem(result);
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
    const rows = await cartRows(inventory, new Map());
    res.send(
      page(
        "Handoff demo shop",
        `<main><h1>Handoff demo shop</h1>
<p>Everything here is offline: payments go to the local Checkout.com sandbox. Pay with 4242 4242 4242 4242.</p>
<form method="post" action="/cart">${productList(rows)}<button type="submit">Go to checkout</button></form>
<p><a href="/react/">The same shop in React</a> · <a href="/ops">Ops dashboard</a></p></main>`,
      ),
    );
  });

  // The cart as a form: new from the catalog, or edited (`?cart=`) when something sold out.
  router.get("/cart", async (req, res) => {
    const cartId = String(req.query.cart ?? "");
    const cart = cartId ? await inventory.priceCart(cartId) : undefined;
    if (!cart) {
      res.redirect(303, "/");
      return;
    }
    res.send(
      cartPage(cartId, await cartRows(inventory, new Map(cart.lines.map((l) => [l.sku, l.quantity])))),
    );
  });

  router.post("/cart", express.urlencoded({ extended: false, limit: "8kb" }), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const cartId = typeof req.query.cart === "string" ? req.query.cart : undefined;
    const items = Object.entries(form)
      .map(([sku, quantity]) => ({ sku, quantity: Number(quantity) }))
      .filter((item) => item.quantity > 0);
    const parsed = cartItemsSchema.safeParse(items);
    if (!parsed.success) {
      const rows = await cartRows(inventory, new Map(items.map((i) => [i.sku, i.quantity])));
      res.status(400).send(cartPage(cartId, rows, "Choose at least one product (up to 99 of each)."));
      return;
    }
    const result = cartId
      ? await inventory.setCartItems(cartId, parsed.data)
      : await inventory.createCart(parsed.data);
    if (!result.ok) {
      const rows = await cartRows(inventory, new Map(parsed.data.map((i) => [i.sku, i.quantity])));
      const status = result.error === "OUT_OF_STOCK" ? 409 : 400;
      res.status(status).send(cartPage(cartId, rows, cartProblem(result)));
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
<p class="total">Total <strong>${esc(formatMoney(cart.total, cart.currency))}</strong> · <a href="/cart?cart=${esc(encodeURIComponent(cart.cartId))}">Edit cart</a></p>
<form id="details" class="details">
  <label for="email">Email for your receipt</label>
  <input id="email" name="email" type="email" autocomplete="email" required>
  <label for="country">Billing country</label>
  <select id="country" name="country" autocomplete="country" required>${COUNTRIES.map(([code, name]) => `<option value="${code}"${code === "GB" ? " selected" : ""}>${esc(name)}</option>`).join("")}</select>
  <button type="submit">Continue to payment</button>
</form>
<div id="checkout" data-cart-id="${esc(cart.cartId)}" data-cart-url="/cart?cart=${esc(encodeURIComponent(cart.cartId))}"></div>
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

function cartProblem(result: {
  error: string;
  skus?: string[];
  lines?: Array<{ name?: string; sku: string; available: number }>;
}): string {
  switch (result.error) {
    case "OUT_OF_STOCK":
      return `Not enough in stock: ${(result.lines ?? []).map((l) => `${l.name ?? l.sku} (${l.available} left)`).join(", ")}.`;
    case "UNKNOWN_SKU":
      return `Unknown products: ${(result.skus ?? []).join(", ")}.`;
    case "QUANTITY_TOO_LARGE":
      return "At most 99 of each product.";
    case "CART_NOT_FOUND":
      return "That cart no longer exists.";
    default:
      return "A cart holds one currency.";
  }
}

interface CartRow {
  sku: string;
  name: string;
  price: string;
  stock: number;
  quantity: number;
}

async function cartRows(inventory: SqlInventory, quantities: Map<string, number>): Promise<CartRow[]> {
  return (await inventory.listProducts()).map((p) => ({
    sku: p.sku,
    name: p.name,
    price: formatMoney(p.unitAmount, p.currency),
    stock: p.stock,
    quantity: quantities.get(p.sku) ?? 0,
  }));
}

/** The catalogue as an order form; `cartId` edits that cart instead of starting one. */
function productList(rows: CartRow[]): string {
  const items = rows
    .map(
      (p) => `<li class="product">
  <label for="qty-${esc(p.sku)}"><span class="name">${esc(p.name)}</span> <span class="price">${esc(p.price)}</span></label>
  <span class="stock">${p.stock > 0 ? `${esc(p.stock)} in stock` : "Sold out"}</span>
  <input id="qty-${esc(p.sku)}" name="${esc(p.sku)}" type="number" min="0" max="99" value="${esc(p.quantity)}" inputmode="numeric"${p.stock > 0 || p.quantity > 0 ? "" : " disabled"}>
</li>`,
    )
    .join("\n");
  return `<ul class="products">${items}</ul>`;
}

function cartPage(cartId: string | undefined, rows: CartRow[], problem?: string): string {
  const action = cartId ? `/cart?cart=${esc(encodeURIComponent(cartId))}` : "/cart";
  return page(
    "Your cart",
    `<main><h1>Your cart</h1>
${problem ? `<p role="alert" class="problem">${esc(problem)}</p>` : ""}
<form method="post" action="${action}">${productList(rows)}<button type="submit">${cartId ? "Update cart and check out" : "Go to checkout"}</button></form>
<p><a href="/">Back to the shop</a></p></main>`,
  );
}
