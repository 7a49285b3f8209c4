import { formatMoney, toRequestIssues } from "@handoff/contracts";
import { type CartItems, cartItemsSchema, type OrderStore, type SqlInventory } from "@handoff/server";
import express, { type Response, type Router } from "express";
import { BILLING_COUNTRIES } from "./catalog.js";
import { esc, page } from "./html.js";
import { declineReason, loadShopperOrder } from "./shopper-order.js";
import { checkoutPage, orderPage, paidCartPage } from "./shopper-pages.js";

/** Order statuses in which the cart's money was taken (or approved): its checkout is over. */
const PAID = new Set(["authorized", "needs_review", "captured", "partially_refunded", "refunded"]);

/** Where the order page sends a shopper who can still pay, or who may shop again. */
const urls = { checkout: (cartId: string) => `/checkout?cart=${encodeURIComponent(cartId)}`, shop: "/" };

/** What shoppers and the React shop use: catalog, carts, checkout page, order page. */
export function storefrontRouter(deps: { inventory: SqlInventory; store: OrderStore }): Router {
  const router = express.Router();
  const { inventory, store } = deps;

  router.get("/api/products", async (_req, res) => {
    res.json({ products: await inventory.listProducts() });
  });

  router.get("/api/countries", (_req, res) => {
    res.json({ countries: BILLING_COUNTRIES });
  });

  // A new cart, or (PUT) the same cart changed: one cart, so one order, however often the shopper edits it.
  const cartJson = express.json({ limit: "16kb" });
  router.post("/api/carts", cartJson, (req, res) =>
    answerCart(req.body, res, (items) => inventory.createCart(items)),
  );
  router.put("/api/carts/:id", cartJson, async (req, res) => {
    const closed = await cartClosed(store, req.params.id);
    if (closed) {
      res.status(409).json({
        error: closed.paid ? "ORDER_COMPLETED" : "ATTEMPT_IN_PROGRESS",
        message: closed.paid
          ? "This cart is paid: it can no longer change. Start a new cart to buy more."
          : "A payment for this cart is going through: it cannot change now.",
        orderId: closed.orderId,
        orderUrl: `/orders/${closed.orderId}`,
      });
      return;
    }
    await answerCart(req.body, res, (items) => inventory.setCartItems(req.params.id, items));
  });

  router.get("/api/orders/:id", async (req, res) => {
    const order = await loadShopperOrder(store, req.params.id, urls);
    if (!order) {
      res.status(404).json({ error: "ORDER_NOT_FOUND", message: "No such order." });
      return;
    }
    res.json(order);
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
    // A paid cart (Back after paying) or one being paid is not edited: its checkout says where it stands.
    if (await cartClosed(store, cartId)) {
      res.redirect(303, urls.checkout(cartId));
      return;
    }
    res.send(
      cartPage(cartId, await cartRows(inventory, new Map(cart.lines.map((l) => [l.sku, l.quantity])))),
    );
  });

  router.post("/cart", express.urlencoded({ extended: false, limit: "8kb" }), async (req, res) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const cartId = typeof req.query.cart === "string" ? req.query.cart : undefined;
    if (cartId && (await cartClosed(store, cartId))) {
      res.redirect(303, urls.checkout(cartId));
      return;
    }
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
    // Who pays stays with the cart's order on the server: a shopper sent back here (by a failed 3-D
    // Secure, a reload) finds their details filled in and is told at once why the payment failed.
    // Never kept by the browser: the page must ask again whether the cart is still to be paid.
    res.set("cache-control", "no-store");
    const order = await store.findOrderByCart(cart.cartId);
    // Back (or a bookmark) after paying: say the cart is paid and lead to the order, never offer to pay again.
    if (order && PAID.has(order.status)) {
      // What was paid for: the order's lines, whatever the cart says now.
      res.send(
        paidCartPage(
          { cartId: cart.cartId, currency: order.currency, lines: order.lines, total: order.amount },
          order.id,
        ),
      );
      return;
    }
    const latest = order ? (await store.attemptsOfOrder(order.id)).at(-1) : undefined;
    const failed = order?.status === "declined" && latest?.status === "declined" && !latest.abandonedAt;
    res.send(
      checkoutPage(cart, {
        email: order?.customer?.email,
        country: order?.billing?.country,
        problem: failed ? declineReason(latest) : undefined,
      }),
    );
  });

  router.get("/orders/:id", async (req, res) => {
    const order = await loadShopperOrder(store, req.params.id, urls);
    if (!order) {
      res
        .status(404)
        .send(page("Order", `<main><h1>Order not found</h1><p><a href="/">Back to the shop</a></p></main>`));
      return;
    }
    res.send(orderPage(order));
  });

  return router;
}

/** Attempt statuses in which Checkout.com may still charge: the cart must hold still meanwhile. */
const PAYING = new Set(["processing", "unknown", "requires_action"]);

/**
 * The order a cart can no longer change under: paid, or with a payment going through. The order
 * keeps what it charges whatever the cart says; this keeps the shopper from being shown otherwise.
 */
async function cartClosed(
  store: OrderStore,
  cartId: string,
): Promise<{ orderId: string; paid: boolean } | undefined> {
  const order = await store.findOrderByCart(cartId);
  if (!order) return undefined;
  if (PAID.has(order.status)) return { orderId: order.id, paid: true };
  const latest = (await store.attemptsOfOrder(order.id)).at(-1);
  return latest && PAYING.has(latest.status) ? { orderId: order.id, paid: false } : undefined;
}

type CartResult = Awaited<ReturnType<SqlInventory["createCart"]>>;

/** The JSON answer to a cart made or changed: its priced lines and total, or why not. */
async function answerCart(body: unknown, res: Response, write: (items: CartItems) => Promise<CartResult>) {
  const parsed = cartItemsSchema.safeParse((body as { items?: unknown } | undefined)?.items);
  if (!parsed.success) {
    res.status(400).json({
      error: "INVALID_REQUEST",
      message: "items must be a list of {sku, quantity}.",
      issues: toRequestIssues(parsed.error),
    });
    return;
  }
  const result = await write(parsed.data);
  if (!result.ok) {
    if (result.error === "OUT_OF_STOCK") {
      res.status(409).json({
        error: "OUT_OF_STOCK",
        message: `Not enough stock for ${result.lines.map((l) => l.name ?? l.sku).join(", ")}.`,
        lines: result.lines,
      });
      return;
    }
    if (result.error === "CART_NOT_FOUND") {
      res.status(404).json({ error: "CART_NOT_FOUND", message: cartProblem(result) });
      return;
    }
    const message = cartProblem(result);
    res.status(400).json({ error: "INVALID_REQUEST", message, issues: [{ path: "items", message }] });
    return;
  }
  const { cartId, lines, total, currency } = result.cart;
  res
    .status(res.req.method === "POST" ? 201 : 200)
    .json({ cartId, lines, total: { amount: total, currency } });
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
