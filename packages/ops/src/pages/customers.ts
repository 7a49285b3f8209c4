import { customerTotals, disputesOfOrders, type Handoff, type SqlClient } from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { messages } from "../messages/index.js";
import { html, layout, money, table, when } from "../views.js";
import { exportOrders } from "./export.js";
import { DEFAULT_ABANDONED_AFTER_MS, filterQuery, PAGE_SIZE, query, searchFrom } from "./filters.js";
import { howMany, orderRows, pageContext } from "./orders.js";

/** Views across orders: one customer's orders with totals, checkouts never paid, and the CSV export. */
export function customerPages(options: {
  handoff: Handoff;
  db: SqlClient;
  abandonedAfterMs?: number | undefined;
}): Router {
  const { deps } = options.handoff;
  const router = express.Router();
  const words = messages("en");
  const abandonedAfterMs = options.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS;

  router.get("/orders.csv", (req, res) => exportOrders(options.handoff, req, res, abandonedAfterMs));

  router.get("/customers", async (req: Request, res: Response) => {
    const ctx = pageContext(req, res);
    const email = query(req, "email");
    if (!email || email.length > 254)
      return void res
        .status(400)
        .send(
          layout(
            ctx,
            "Customer",
            html`<p>Open a customer from an order's email.</p><p><a href="${ctx.base}/">All orders</a></p>`,
          ),
        );
    const [totals, result] = await Promise.all([
      customerTotals(options.db, email),
      deps.store.searchOrders({ ...searchFrom(req, deps.now(), abandonedAfterMs), email }),
    ]);
    const disputes = await disputesOfOrders(
      options.db,
      result.orders.map((o) => o.id),
    );
    const totalRows = totals.map((t) => [
      html`${t.currency}`,
      html`${t.orders}`,
      html`${t.paidOrders}`,
      html`${money(t.paid, t.currency)}`,
      html`${money(t.refunded, t.currency)}`,
      html`<strong>${money(t.paid - t.refunded, t.currency)}</strong>`,
    ]);
    const next = result.next
      ? `${ctx.base}/customers?${filterQuery(req, { after: result.next })}`
      : undefined;
    res.send(
      layout(
        ctx,
        `Customer ${email}`,
        html`<h2>Totals</h2>${table(["Currency", "Orders", "Paid orders", "Paid", "Refunded", "Kept"], totalRows, "No orders from this email.")}
<h2>Orders</h2><p class="muted summary"><a href="${ctx.base}/orders.csv?${filterQuery(req)}" download>Download these as CSV</a></p>
${table(["Order", "Created", "Amount", "Status", "Customer"], orderRows(ctx.base, result.orders, words, disputes, ctx.timeZone), "No orders from this email.")}
${next ? html`<p><a class="button secondary" href="${next}">Next ${PAGE_SIZE}</a></p>` : html``}`,
      ),
    );
  });

  router.get("/abandoned", async (req: Request, res: Response) => {
    const ctx = pageContext(req, res);
    const before = new Date(deps.now().getTime() - abandonedAfterMs).toISOString();
    const result = await deps.store.searchOrders({
      ...searchFrom(req, deps.now(), abandonedAfterMs),
      abandoned: { before, mode: "only" },
    });
    const rows = result.orders.map((o) => [
      html`<a href="${ctx.base}/orders/${o.id}"><code class="id">${o.id}</code></a>`,
      when(o.createdAt, ctx.timeZone),
      when(o.updatedAt, ctx.timeZone),
      html`<span class="amount">${money(o.amount, o.currency)}</span>`,
      html`${o.customer?.email ?? "—"}`,
    ]);
    const minutes = Math.round(abandonedAfterMs / 60_000);
    const next = result.next
      ? `${ctx.base}/abandoned?${filterQuery(req, { after: result.next })}`
      : undefined;
    res.send(
      layout(
        ctx,
        "Abandoned checkouts",
        html`<p class="muted summary">Checkouts opened and never paid: no card was tried and nothing happened for ${minutes >= 60 ? `${Math.round(minutes / 60)} hour${minutes >= 120 ? "s" : ""}` : `${minutes} minutes`}. They are not orders and are left out of the orders list. ${howMany(result, "checkout")} in all. <a href="${ctx.base}/orders.csv?${filterQuery(req, { abandoned: "only" })}" download>Download as CSV</a></p>
${table(["Checkout", "Opened", "Last change", "Amount", "Customer"], rows, "No abandoned checkouts.")}
${next ? html`<p><a class="button secondary" href="${next}">Next ${PAGE_SIZE}</a></p>` : html``}`,
      ),
    );
  });
  return router;
}
