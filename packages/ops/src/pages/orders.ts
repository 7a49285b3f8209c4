import { createHash } from "node:crypto";
import {
  CurrencyAmountError,
  currencyExponent,
  ORDER_STATUSES,
  type OrderStatus,
  toMinorUnits,
} from "@handoff/contracts";
import {
  type Handoff,
  livePayment,
  type OperatorAction,
  type Order,
  type OrderSearch,
  type Outbox,
  releaseReview,
  requestOperatorAction,
  type Webhooks,
} from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { signed } from "../auth/guard.js";
import { randomToken } from "../auth/secrets.js";
import {
  csrfField,
  type HtmlSafeString,
  html,
  layout,
  money,
  type PageContext,
  table,
  when,
} from "../views.js";
import { describe } from "./describe.js";

export const ACTIONS: OperatorAction[] = ["capture", "void", "refund"];
const PAGE_SIZE = 50;

export function pageContext(req: Request, res: Response): PageContext {
  const s = signed(res);
  const done = typeof req.query.done === "string" ? req.query.done : undefined;
  const failed = typeof req.query.failed === "string" ? req.query.failed : undefined;
  return {
    base: req.baseUrl,
    operator: s.operator.name,
    csrf: s.session?.csrf,
    timeZone: s.operator.timeZone,
    notice: done ? { text: done } : failed ? { text: failed, error: true } : undefined,
  };
}

export function back(res: Response, path: string, ok: boolean, text: string): void {
  res.redirect(
    303,
    `${path}${path.includes("?") ? "&" : "?"}${ok ? "done" : "failed"}=${encodeURIComponent(text)}`,
  );
}

const query = (req: Request, name: string) => {
  const v = req.query[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
};

/** Filters from the query string; anything malformed is dropped, never a 500. */
export function searchFrom(req: Request): OrderSearch {
  const status = ORDER_STATUSES.find((s) => s === query(req, "status"));
  const currency = query(req, "currency")?.toUpperCase();
  const day = (v: string | undefined) =>
    v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : undefined;
  const to = day(query(req, "to"));
  return {
    ...(query(req, "q") ? { query: query(req, "q") } : {}),
    ...(status ? { status } : {}),
    ...(currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
    ...(day(query(req, "from")) ? { from: day(query(req, "from")) } : {}),
    // "to" is a day, included.
    ...(to ? { to: new Date(Date.parse(to) + 86_400_000).toISOString() } : {}),
    ...(query(req, "review") === "yes" ? { review: true } : {}),
    ...(query(req, "disputed") === "yes" ? { disputed: true } : {}),
    ...(query(req, "after") ? { before: query(req, "after") } : {}),
    limit: PAGE_SIZE,
  };
}

function orderRows(base: string, orders: Order[], timeZone?: string): HtmlSafeString[][] {
  return orders.map((o) => [
    html`<a href="${base}/orders/${o.id}"><code>${o.id}</code></a>`,
    when(o.createdAt, timeZone),
    html`${money(o.amount, o.currency)}`,
    html`${o.status}${o.riskFlagged ? " ⚑ risk" : ""}`,
    html`${o.customer?.email ?? "—"}`,
  ]);
}

function filterForm(ctx: PageContext, req: Request, action: string): HtmlSafeString {
  const v = (name: string) => query(req, name) ?? "";
  const statuses = ["", ...ORDER_STATUSES].map(
    (s) =>
      html`<option value="${s}"${s === v("status") ? html` selected` : html``}>${s || "any status"}</option>`,
  );
  return html`<form class="filters" method="get" action="${action}" role="search">
<label>Search <input name="q" value="${v("q")}" placeholder="order, payment, token, email, last four"></label>
<label>Status <select name="status">${statuses}</select></label>
<label>Currency <input name="currency" value="${v("currency")}" size="4" maxlength="3"></label>
<label>From <input name="from" type="date" value="${v("from")}"></label>
<label>To <input name="to" type="date" value="${v("to")}"></label>
<label><span><input type="checkbox" name="review" value="yes"${v("review") === "yes" ? html` checked` : html``}> held for review</span></label>
<label><span><input type="checkbox" name="disputed" value="yes"${v("disputed") === "yes" ? html` checked` : html``}> disputed</span></label>
<button type="submit">Search</button> <a href="${ctx.base}${action === `${ctx.base}/review` ? "/review" : "/"}">Clear</a></form>`;
}

/** The amount an operator typed, in the order's currency's major units ("5.00", "5"), as minor units. */
export function parseMajor(typed: string, currency: string): number | string {
  const clean = typed.trim().replace(/^[£$€¥]/, "");
  if (clean === "") return "Enter an amount.";
  try {
    const minor = toMinorUnits(clean, currency);
    return minor > 0 ? minor : "The amount must be more than zero.";
  } catch (error) {
    if (error instanceof CurrencyAmountError)
      return `"${typed}" is not an amount in ${currency} (e.g. 5.00).`;
    throw error;
  }
}

export interface OrderPagesOptions {
  handoff: Handoff;
  webhooks: Webhooks;
  outbox?: Outbox | undefined;
}

/** Orders: search, the review queue, one order as a person reads it, and money actions with a confirmation step. */
export function orderPages(
  options: OrderPagesOptions,
  guard: { requireCsrf: express.RequestHandler },
): Router {
  const { deps } = options.handoff;
  const { store } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "8kb" });

  const list = (title: string, review: boolean) => async (req: Request, res: Response) => {
    const ctx = pageContext(req, res);
    const filter = { ...searchFrom(req), ...(review ? { review: true } : {}) };
    const result = await store.searchOrders(filter);
    const filtered = Object.keys(filter).some((k) => k !== "limit" && k !== "before");
    const empty = review
      ? "Nothing is waiting for review."
      : filtered
        ? "No orders match these filters."
        : "No orders yet.";
    const path = review ? `${ctx.base}/review` : `${ctx.base}/`;
    const nextQuery = new URLSearchParams(req.query as Record<string, string>);
    if (result.next) nextQuery.set("after", result.next);
    res.send(
      layout(
        ctx,
        title,
        html`${filterForm(ctx, req, path)}
<p class="muted">${result.total} order${result.total === 1 ? "" : "s"}${filtered ? " match" : ""}${filter.before ? " (later page)" : ""}.</p>
${table(["Order", "Created", "Amount", "Status", "Customer"], orderRows(ctx.base, result.orders, ctx.timeZone), empty)}
${result.next ? html`<p><a class="button secondary" href="${path}?${nextQuery.toString()}">Next ${PAGE_SIZE}</a></p>` : html``}`,
      ),
    );
  };
  router.get("/", list("Orders", false));
  router.get("/review", list("Review queue", true));

  router.get("/orders/:id", async (req: Request<{ id: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const order = await store.getOrder(req.params.id);
    if (!order)
      return void res
        .status(404)
        .send(layout(ctx, "Order not found", html`<p><a href="${ctx.base}/">All orders</a></p>`));
    const attempts = await store.attemptsOfOrder(order.id);
    const charged = attempts.filter((a) => a.paymentId).at(-1);
    const live = charged ? await livePayment(deps, order.id) : undefined;
    const base = `${ctx.base}/orders/${order.id}`;
    let payment = html`<p class="muted">No payment has been made for this order yet.</p>`;
    if (live && "payment" in live) {
      const b = live.payment.balances;
      const actions = live.allowed.map(
        (a) =>
          html`<a class="button${a === "refund" ? " secondary" : ""}" href="${base}/${a}">${a[0]?.toUpperCase()}${a.slice(1)}</a>`,
      );
      if (order.status === "needs_review")
        actions.unshift(
          html`<form class="inline" method="post" action="${base}/release">${csrfField(ctx)}<button type="submit">Release review</button></form>`,
        );
      payment = html`<dl class="facts"><dt>Checkout.com says</dt><dd><strong>${live.payment.status}</strong></dd>
${b ? html`<dt>Authorized</dt><dd>${money(b.total_authorized, order.currency)}</dd><dt>Captured</dt><dd>${money(b.total_captured, order.currency)}</dd><dt>Refunded</dt><dd>${money(b.total_refunded, order.currency)}</dd><dt>Available to refund</dt><dd>${money(b.available_to_refund, order.currency)}</dd>` : html``}</dl>
<div class="actions">${actions.length ? actions : html`<p class="muted">No action is possible on this payment now.</p>`}</div>`;
    } else if (live) {
      payment = html`<p class="notice error">Checkout.com could not be asked about this payment just now.</p>`;
    }
    // As confirm recorded it, or as Checkout.com reports the payment now (a 3-D Secure payment's card).
    const source = live && "payment" in live ? live.payment.source : undefined;
    const last4 = charged?.cardLast4 ?? source?.last4;
    const wallet = { applepay: "Apple Pay", googlepay: "Google Pay" }[
      String(charged?.cardWallet ?? (source as { card_wallet_type?: string } | undefined)?.card_wallet_type)
    ];
    const scheme = `${charged?.cardScheme ?? source?.scheme ?? "Card"} ···· ${last4}`;
    const card = last4 ? (wallet ? `${wallet} (${scheme})` : scheme) : "—";
    const lines = order.lines.map((l) => [
      html`${l.name}`,
      html`${l.quantity}`,
      html`${money(l.unitAmount, order.currency)}`,
      html`${money(l.amount, order.currency)}`,
    ]);
    const timeline = (await store.timeline(order.id)).map((e) => [
      when(e.at, ctx.timeZone),
      describe(e, order.currency),
    ]);
    const inbox = (await options.webhooks.inbox.list({ orderId: order.id, limit: 100 })).map((e) => [
      html`<a href="${ctx.base}/webhooks/${e.id}">${e.type}</a>`,
      html`${e.status}`,
      html`${e.outcome ?? ""}`,
      when(e.receivedAt, ctx.timeZone),
    ]);
    let deliveries: HtmlSafeString[][] = [];
    if (options.outbox) {
      const events = await options.outbox.store.eventsOfOrder(order.id);
      for (const event of events) {
        for (const d of await options.outbox.store.deliveries({ eventId: event.id, limit: 20 })) {
          deliveries.push([
            html`${event.type}`,
            html`<a href="${ctx.base}/destinations/${d.destinationId}">${d.destinationId}</a>`,
            html`${d.status}`,
            html`${d.attempts}`,
          ]);
        }
      }
      deliveries = deliveries.slice(0, 200);
    }
    res.send(
      layout(
        ctx,
        `Order ${order.id}`,
        html`<dl class="facts"><dt>Amount</dt><dd><strong>${money(order.amount, order.currency)}</strong></dd>
<dt>Status</dt><dd>${order.status}${order.riskFlagged ? " · flagged by risk" : ""}</dd>
<dt>Customer</dt><dd>${order.customer?.email ?? "—"}${order.customer?.name ? ` (${order.customer.name})` : ""}</dd>
<dt>Card</dt><dd>${card}</dd><dt>Payment</dt><dd><code>${charged?.paymentId ?? "—"}</code></dd>
<dt>Created</dt><dd>${when(order.createdAt, ctx.timeZone)}</dd></dl>
<h2>Items</h2>${table(["Item", "Qty", "Each", "Total"], lines, "No items.")}
<h2>Payment</h2>${payment}
<h2>Timeline</h2>${table(["When", "What"], timeline, "Nothing yet.")}
<h2>Webhooks</h2>${table(["Event", "Status", "Outcome", "Received"], inbox, "No webhooks for this order yet.")}
<h2>Sent to your systems</h2>${table(["Event", "Destination", "Delivery", "Attempts"], deliveries, "No destination took this order's events.")}`,
      ),
    );
  });

  router.post(
    "/orders/:id/release",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string }>, res: Response) => {
      const reply = await releaseReview(deps, req.params.id, signed(res).operator.name);
      const path = `${req.baseUrl}/orders/${encodeURIComponent(req.params.id)}`;
      back(
        res,
        path,
        reply.status === 200,
        reply.status === 200
          ? "Review released: the order goes to fulfilment."
          : String((reply.body as { message?: string }).message),
      );
    },
  );

  // Step 1: the form, in major units with the currency shown.
  router.get("/orders/:id/:action", async (req: Request<{ id: string; action: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const action = ACTIONS.find((a) => a === req.params.action);
    const order = await store.getOrder(req.params.id);
    if (!action || !order)
      return void res
        .status(404)
        .send(layout(ctx, "Not found", html`<p><a href="${ctx.base}/">All orders</a></p>`));
    const live = await livePayment(deps, order.id);
    const balance =
      "payment" in live
        ? action === "refund"
          ? live.payment.balances?.available_to_refund
          : live.payment.balances?.available_to_capture
        : undefined;
    const base = `${ctx.base}/orders/${order.id}`;
    const exponent = currencyExponent(order.currency);
    const major = balance === undefined ? "" : (balance / 10 ** exponent).toFixed(exponent);
    res.send(
      layout(
        ctx,
        `${action[0]?.toUpperCase()}${action.slice(1)} order ${order.id}`,
        html`<form class="stacked" method="post" action="${base}/${action}/review">${csrfField(ctx)}
${action === "void" ? html`<p>Voiding releases the whole authorization of ${money(order.amount, order.currency)}: nothing will be charged.</p>` : html`<label>Amount in ${order.currency} (at most ${money(balance, order.currency)})<input name="amount" inputmode="decimal" required value="${major}" autocomplete="off"></label>`}
<label>Reason (kept on the order's timeline)<input name="reason" maxlength="200" required></label>
<div class="actions"><button type="submit">Review ${action}</button><a href="${base}">Cancel</a></div></form>`,
      ),
    );
  });

  // Step 2: repeat amount and effect; the confirmation carries this request's one idempotency key.
  router.post(
    "/orders/:id/:action/review",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string; action: string }>, res: Response) => {
      const ctx = pageContext(req as unknown as Request, res);
      const action = ACTIONS.find((a) => a === req.params.action);
      const order = await store.getOrder(req.params.id);
      const path = `${req.baseUrl}/orders/${encodeURIComponent(req.params.id)}`;
      if (!action || !order) return back(res, path, false, "Unknown order or action.");
      const body = req.body as { amount?: string; reason?: string };
      const reason = (body.reason ?? "").trim();
      if (!reason)
        return back(res, `${path}/${action}`, false, "Give a reason: it goes on the order's timeline.");
      const amount = action === "void" ? order.amount : parseMajor(body.amount ?? "", order.currency);
      if (typeof amount === "string") return back(res, `${path}/${action}`, false, amount);
      const effect =
        action === "refund"
          ? html`Refund <strong>${money(amount, order.currency)}</strong> of ${money(order.amount, order.currency)} to the customer's card. This cannot be undone.`
          : action === "capture"
            ? html`Capture <strong>${money(amount, order.currency)}</strong>: the customer is charged this amount.`
            : html`Void the authorization of <strong>${money(order.amount, order.currency)}</strong>: nothing will be charged.`;
      res.send(
        layout(
          ctx,
          `Confirm the ${action}`,
          html`<p>${effect}</p><p class="muted">Reason: ${reason}</p>
<form class="stacked" method="post" action="${ctx.base}/orders/${order.id}/${action}">${csrfField(ctx)}
<input type="hidden" name="amount" value="${amount}"><input type="hidden" name="reason" value="${reason}">
<input type="hidden" name="request" value="${randomToken(12)}">
<div class="actions"><button type="submit" class="${action === "capture" ? "" : "danger"}">Yes, ${action} ${action === "void" ? "" : money(amount, order.currency)}</button><a href="${ctx.base}/orders/${order.id}">No, go back</a></div></form>`,
        ),
      );
    },
  );

  // Step 3: send it. The same confirmation posted twice is the same request at Checkout.com.
  router.post(
    "/orders/:id/:action",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string; action: string }>, res: Response) => {
      const action = ACTIONS.find((a) => a === req.params.action);
      const path = `${req.baseUrl}/orders/${encodeURIComponent(req.params.id)}`;
      if (!action) return back(res, path, false, "Unknown action.");
      const body = req.body as { amount?: string; reason?: string; request?: string };
      const operator = signed(res).operator.name;
      const request = /^[A-Za-z0-9_-]{8,64}$/.test(body.request ?? "") ? body.request : undefined;
      if (!request) return back(res, path, false, "Start the action from the order page.");
      const requestKey = createHash("sha256")
        .update(`${operator}:${req.params.id}:${request}`)
        .digest("base64url")
        .slice(0, 32);
      const reply = await requestOperatorAction(deps, req.params.id, action, {
        ...(action === "void" ? {} : { amount: body.amount }),
        operator,
        ...(body.reason ? { reason: body.reason } : {}),
        requestKey,
      });
      back(
        res,
        path,
        reply.status === 202,
        reply.status === 202
          ? `The ${action} was sent to Checkout.com; the status changes here when it confirms.`
          : String((reply.body as { message?: string }).message),
      );
    },
  );
  return router;
}

export type { OrderStatus };
