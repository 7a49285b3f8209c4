import { createHash } from "node:crypto";
import { CurrencyAmountError, currencyExponent, type OrderStatus, toMinorUnits } from "@handoff/contracts";
import {
  disputesOfOrders,
  type Handoff,
  isChargeback,
  livePayment,
  type OperatorAction,
  type Order,
  type OrderDispute,
  type Outbox,
  orderCurrencies,
  releaseReview,
  requestOperatorAction,
  type SettlementService,
  type SqlClient,
  timelinePage,
  type Webhooks,
} from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { signed } from "../auth/guard.js";
import { randomToken } from "../auth/secrets.js";
import { disputeWords } from "../messages/dispute-words.js";
import { type Catalogue, messages } from "../messages/index.js";
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
import {
  DEFAULT_ABANDONED_AFTER_MS,
  filterForm,
  filterQuery,
  looksLikeDomain,
  PAGE_SIZE,
  query,
  searchFrom,
} from "./filters.js";
import { back, takeNotice } from "./notice.js";

export { searchFrom } from "./filters.js";
export { back } from "./notice.js";

import { settlementPanel } from "./settlement.js";

export const ACTIONS: OperatorAction[] = ["capture", "void", "refund"];
/** Timeline entries per page of an order. */
export const TIMELINE_PAGE = 50;

/** "1 order", "345 orders", "More than 1,000 orders": searches count up to a limit (a year is a lot of rows). */
export function howMany(result: { total: number; totalCapped?: boolean }, noun: string): string {
  const n = result.total.toLocaleString("en-GB");
  const plural = result.total === 1 && !result.totalCapped ? noun : `${noun}s`;
  return result.totalCapped ? `More than ${n} ${plural}` : `${n} ${plural}`;
}

export function pageContext(req: Request, res: Response): PageContext {
  const s = signed(res);
  return {
    base: req.baseUrl,
    operator: s.operator.name,
    csrf: s.session?.csrf,
    timeZone: s.operator.timeZone,
    notice: takeNotice(req, res),
  };
}

/** The amount an operator typed, in the order's currency's major units ("5.00", "5"), as minor units. */
export function parseMajor(typed: string, currency: string): number | string {
  const clean = withoutCurrency(typed.trim(), currency);
  if (clean === undefined) return `"${typed}" is not an amount in ${currency} (e.g. 5.00).`;
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

/**
 * The typed amount without its currency, when it names the order's own (its symbol, e.g. £, or its
 * code, e.g. GBP, before or after); undefined when it names another one ("¥5" on a pound order is
 * not five pounds).
 */
function withoutCurrency(typed: string, currency: string): string | undefined {
  const symbol =
    new Intl.NumberFormat("en", { style: "currency", currency })
      .formatToParts(0)
      .find((p) => p.type === "currency")?.value ?? currency;
  for (const name of [symbol, currency]) {
    const upper = typed.toUpperCase();
    if (upper.startsWith(name.toUpperCase())) return typed.slice(name.length).trim();
    if (upper.endsWith(name.toUpperCase())) return typed.slice(0, -name.length).trim();
  }
  // Any other sign or letters before or after the number name another currency.
  return /^[\d.,\s]*$/.test(typed) ? typed : undefined;
}

/** Where a dispute stands, from its last news (a webhook type) or Checkout.com's status read live. */
export function disputeState(
  type: string,
): "to_answer" | "under_review" | "won" | "lost" | "accepted" | "expired" | "other" {
  const status = type.replace(/^dispute_/, "");
  if (["received", "evidence_required"].includes(status)) return "to_answer";
  if (["won", "arbitration_won"].includes(status)) return "won";
  if (["lost", "arbitration_lost"].includes(status)) return "lost";
  if (status === "accepted" || status === "expired") return status;
  if (["canceled", "resolved"].includes(status)) return "other";
  return "under_review";
}

/** What the cardholder's bank took back from this order for good, in minor units (0 when nothing). */
export function chargedBack(order: Pick<Order, "amount">, disputes: OrderDispute[] = []): number {
  return disputes.filter((d) => isChargeback(d.type)).reduce((sum, d) => sum + (d.amount ?? order.amount), 0);
}

/**
 * How support staff name an order's state: a dispute still open speaks louder than the payment's
 * status, and a chargeback louder than "Paid" (which would invite a refund of money already returned).
 */
export function statusWords(
  order: Pick<Order, "status" | "riskFlagged" | "amount" | "currency">,
  words: Catalogue,
  disputes: OrderDispute[] = [],
): string {
  if (disputes.some((d) => d.open)) return words.status.disputed;
  const returned = chargedBack(order, disputes);
  if (returned > 0) return disputeWords.chargedBack(money(returned, order.currency));
  return `${words.status[order.status]}${order.riskFlagged && order.status !== "needs_review" ? " · flagged by risk" : ""}`;
}

export function orderRows(
  base: string,
  orders: Order[],
  words: Catalogue,
  disputes: Map<string, OrderDispute[]>,
  timeZone?: string,
): HtmlSafeString[][] {
  return orders.map((o) => [
    html`<a href="${base}/orders/${o.id}"><code class="id">${o.id}</code></a>`,
    when(o.createdAt, timeZone),
    html`<span class="amount">${money(o.amount, o.currency)}</span>`,
    html`${statusWords(o, words, disputes.get(o.id))}`,
    o.customer?.email
      ? html`<a href="${base}/customers?email=${encodeURIComponent(o.customer.email)}">${o.customer.email}</a>`
      : html`—`,
  ]);
}

export interface OrderPagesOptions {
  handoff: Handoff;
  db: SqlClient;
  webhooks: Webhooks;
  outbox?: Outbox | undefined;
  abandonedAfterMs?: number | undefined;
  settlement?: SettlementService | undefined;
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
  const words = messages("en");
  const abandonedAfterMs = options.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS;

  // The currencies orders were taken in change rarely: read once a few minutes, not on every page.
  let currencies: { at: number; list: Promise<string[]> } | undefined;
  const knownCurrencies = () => {
    const now = Date.now();
    if (!currencies || now - currencies.at > 5 * 60_000) {
      const list = orderCurrencies(options.db);
      currencies = { at: now, list };
      list.catch(() => {
        currencies = undefined;
      });
    }
    return currencies.list;
  };

  const list = (title: string, review: boolean) => async (req: Request, res: Response) => {
    const ctx = pageContext(req, res);
    const filter = { ...searchFrom(req, deps.now(), abandonedAfterMs), ...(review ? { review: true } : {}) };
    const [result, currencies] = await Promise.all([store.searchOrders(filter), knownCurrencies()]);
    const disputes = await disputesOfOrders(
      options.db,
      result.orders.map((o) => o.id),
    );
    const filtered = Object.keys(filter).some((k) => !["limit", "before", "abandoned"].includes(k));
    const empty = looksLikeDomain(filter.query)
      ? "No orders match. Emails are found by their beginning: type the address, or the part before the @ (a domain alone is not searched)."
      : review
        ? "Nothing is waiting for review."
        : filtered
          ? "No orders match these filters."
          : "No orders yet.";
    const path = review ? `${ctx.base}/review` : `${ctx.base}/`;
    const next = result.next ? `${path}?${filterQuery(req, { after: result.next })}` : undefined;
    res.send(
      layout(
        ctx,
        title,
        html`${filterForm(req, path, words, currencies)}
<p class="muted summary">${howMany(result, "order")}${filtered ? (result.total === 1 && !result.totalCapped ? " matches" : " match") : ""}${filter.before ? " (later page)" : ""}. <a href="${ctx.base}/orders.csv?${filterQuery(req, review ? { review: "yes" } : {})}" download>Download these as CSV</a></p>
${table(["Order", "Created", "Amount", "Status", "Customer"], orderRows(ctx.base, result.orders, words, disputes, ctx.timeZone), empty)}
${next ? html`<p><a class="button secondary" href="${next}">Next ${PAGE_SIZE}</a></p>` : html``}`,
      ),
    );
  };
  router.get("/", list("Orders", false));
  router.get("/review", list("Review queue", true));

  /** Disputes as Checkout.com reports them for the payment, else as the timeline recorded them. */
  async function disputesOf(orderId: string, paymentId: string | undefined): Promise<OrderDispute[]> {
    const recorded = (await disputesOfOrders(options.db, [orderId])).get(orderId) ?? [];
    if (!paymentId || recorded.length === 0) return recorded;
    const live = await deps.processor.listDisputes({ paymentId });
    if (live.kind !== "found") return recorded;
    const closed = new Set([
      "won",
      "lost",
      "accepted",
      "canceled",
      "expired",
      "resolved",
      "arbitration_won",
      "arbitration_lost",
    ]);
    const fromLive = live.disputes.map((d) => ({
      disputeId: d.id,
      type: d.status,
      open: !closed.has(d.status),
      amount: d.amount,
      currency: d.currency,
      ...(d.reason_code ? { reasonCode: d.reason_code } : {}),
      ...(d.category ? { category: d.category } : {}),
      ...(d.evidence_required_by ? { evidenceRequiredBy: d.evidence_required_by } : {}),
    }));
    const known = new Set(fromLive.map((d) => d.disputeId));
    return [...fromLive, ...recorded.filter((d) => !known.has(d.disputeId))];
  }

  /** One dispute's banner, saying where it stands now: to answer, waiting for the bank, won, charged back. */
  function disputeNotice(ctx: PageContext, order: Order, d: OrderDispute) {
    const amount = money(d.amount ?? order.amount, d.currency ?? order.currency);
    const link = (label: string) =>
      html`<p><a class="button${label === disputeWords.seeDispute ? " secondary" : ""}" href="${ctx.base}/disputes/${d.disputeId}">${label}</a></p>`;
    const state = disputeState(d.type);
    if (state === "won")
      return html`<section class="notice" aria-label="Dispute"><p>${disputeWords.won(amount)}</p>${link(disputeWords.seeDispute)}</section>`;
    if (state === "lost" || state === "accepted" || state === "expired")
      return html`<section class="alert" aria-label="Dispute"><p>${disputeWords.chargedBackBanner(amount, state)}</p>${link(disputeWords.seeDispute)}</section>`;
    if (!d.open) return html``;
    const reason = words.dispute.reason(d.category, d.reasonCode);
    if (state === "under_review")
      return html`<section class="alert" aria-label="Dispute"><p>${disputeWords.underReview({ amount, reason })}</p>${link(disputeWords.seeDispute)}</section>`;
    return html`<section class="alert" aria-label="Dispute"><p>${words.dispute.banner({
      amount,
      reason,
      ...(d.evidenceRequiredBy
        ? {
            deadline: new Intl.DateTimeFormat("en-GB", {
              dateStyle: "long",
              timeStyle: "short",
              timeZone: ctx.timeZone ?? "UTC",
            }).format(new Date(d.evidenceRequiredBy)),
          }
        : {}),
    })}</p>${link("Answer the dispute")}</section>`;
  }

  const disputeBanner = (ctx: PageContext, order: Order, disputes: OrderDispute[]) =>
    disputes.map((d) => disputeNotice(ctx, order, d));

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
    const disputes = await disputesOf(order.id, charged?.paymentId);
    const open = disputes.some((d) => d.open);
    const returned = chargedBack(order, disputes);
    const base = `${ctx.base}/orders/${order.id}`;
    let payment = html`<p class="muted">No payment has been made for this order yet.</p>`;
    if (live && "payment" in live) {
      const b = live.payment.balances;
      const refundable = b ? Math.max(0, b.available_to_refund - returned) : undefined;
      // Money the bank already returned is not offered again as a refund.
      const offered = live.allowed.filter((a) => a !== "refund" || returned === 0 || (refundable ?? 0) > 0);
      const actions = offered.map(
        (a) =>
          html`<a class="button${a === "refund" ? " secondary" : ""}" href="${base}/${a}">${a[0]?.toUpperCase()}${a.slice(1)}${a === "refund" && open ? " (read the dispute first)" : ""}</a>`,
      );
      if (order.status === "needs_review")
        actions.unshift(
          html`<form class="inline" method="post" action="${base}/release">${csrfField(ctx)}<button type="submit">Release review</button></form>`,
        );
      payment = html`<dl class="facts"><dt>Checkout.com says</dt><dd><strong>${words.paymentStatus(live.payment.status)}</strong></dd>
${b ? html`<dt>Authorized</dt><dd>${money(b.total_authorized, order.currency)}</dd><dt>Captured</dt><dd>${money(b.total_captured, order.currency)}</dd><dt>Refunded</dt><dd>${money(b.total_refunded, order.currency)}</dd>${returned > 0 ? html`<dt>Charged back</dt><dd>${money(returned, order.currency)}</dd>` : html``}<dt>Available to refund</dt><dd>${money(refundable, order.currency)}</dd>` : html``}</dl>
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
    const older = Number(query(req as unknown as Request, "older"));
    const page = await timelinePage(options.db, order.id, {
      limit: TIMELINE_PAGE,
      ...(Number.isSafeInteger(older) && older > 0 ? { before: older } : {}),
    });
    const date = (iso: string) =>
      new Intl.DateTimeFormat("en-GB", {
        dateStyle: "medium",
        timeStyle: "short",
        timeZone: ctx.timeZone ?? "UTC",
      }).format(new Date(iso));
    const timeline = page.entries.map((e) => [
      when(e.at, ctx.timeZone),
      describe(e, order.currency, words, date),
    ]);
    const inbox = (await options.webhooks.inbox.list({ orderId: order.id, limit: 100 })).map((e) => [
      html`<a href="${ctx.base}/webhooks/${e.id}">${words.webhook.type(e.type)}</a>`,
      html`${words.webhook.status(e.status)}`,
      html`${words.webhook.outcome(e.status, e.outcome)}`,
      when(e.receivedAt, ctx.timeZone),
    ]);
    let deliveries: HtmlSafeString[][] = [];
    if (options.outbox) {
      const events = await options.outbox.store.eventsOfOrder(order.id);
      for (const event of events) {
        for (const d of await options.outbox.store.deliveries({ eventId: event.id, limit: 20 })) {
          deliveries.push([
            html`${words.outbox.event(event.type)}`,
            html`<a href="${ctx.base}/destinations/${d.destinationId}">${d.destinationId}</a>`,
            html`${words.outbox.delivery(d.status)}`,
            html`${d.attempts}`,
          ]);
        }
      }
      deliveries = deliveries.slice(0, 200);
    }
    const email = order.customer?.email;
    res.send(
      layout(
        ctx,
        `Order ${order.id}`,
        html`${disputeBanner(ctx, order, disputes)}<dl class="facts"><dt>Amount</dt><dd><strong>${money(order.amount, order.currency)}</strong></dd>
<dt>Status</dt><dd><strong>${statusWords(order, words, disputes)}</strong></dd>
<dt>Customer</dt><dd>${email ? html`<a href="${ctx.base}/customers?email=${encodeURIComponent(email)}">${email}</a>` : html`—`}${order.customer?.name ? ` (${order.customer.name})` : ""}</dd>
<dt>Card</dt><dd>${card}</dd><dt>Payment</dt><dd><code class="id">${charged?.paymentId ?? "—"}</code></dd>
<dt>Created</dt><dd>${when(order.createdAt, ctx.timeZone)}</dd></dl>
<h2>Items</h2>${table(["Item", "Qty", "Each", "Total"], lines, "No items.")}
<h2>Payment</h2>${payment}
${await settlementPanel(ctx, options.settlement, order, words, live && "payment" in live ? live.payment.balances?.total_captured : undefined)}
<h2>Timeline</h2><p class="muted">Newest first${page.entries.length ? html`; open “${words.labels.technicalRecord}” for what was sent and answered` : html``}.</p>${table(["When", "What happened"], timeline, "Nothing yet.")}
${page.older ? html`<p><a class="button secondary" href="${base}?older=${page.older}">Older entries</a></p>` : html``}${Number.isSafeInteger(older) && older > 0 ? html`<p><a href="${base}">Back to the newest entries</a></p>` : html``}
<h2>Webhooks</h2>${table(["Event", "Status", "What Handoff did", "Received"], inbox, "No webhooks for this order yet.")}
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
        words.notice(reply.status === 200 ? "review_released" : "review_failed"),
      );
    },
  );

  /** What the payment has left for `action`, with the totals that explain it; undefined when Checkout.com cannot be asked. */
  async function balanceFor(
    order: Order,
    action: OperatorAction,
    known?: Awaited<ReturnType<typeof livePayment>>,
  ) {
    const live = known ?? (await livePayment(deps, order.id));
    if (!("payment" in live)) return undefined;
    const b = live.payment.balances;
    if (!b) return undefined;
    const returned =
      action === "refund"
        ? chargedBack(order, (await disputesOfOrders(options.db, [order.id])).get(order.id))
        : 0;
    if (returned > 0)
      return {
        available: Math.max(0, b.available_to_refund - returned),
        why: `${money(b.total_captured, order.currency)} was captured, ${money(b.total_refunded, order.currency)} already refunded, and ${disputeWords.chargedBackWhy(money(returned, order.currency))}`,
      };
    return action === "refund"
      ? {
          available: b.available_to_refund,
          why: `${money(b.total_captured, order.currency)} was captured and ${money(b.total_refunded, order.currency)} already refunded`,
        }
      : action === "capture"
        ? {
            available: b.available_to_capture,
            why: `${money(b.total_authorized, order.currency)} was authorized and ${money(b.total_captured, order.currency)} already captured`,
          }
        : undefined;
  }

  const title = (action: OperatorAction, order: Order) =>
    `${action[0]?.toUpperCase()}${action.slice(1)} order ${order.id}`;

  /** The form of step 1, again with the operator's input and what was wrong with it. */
  function actionForm(
    ctx: PageContext,
    order: Order,
    action: OperatorAction,
    balance: { available: number } | undefined,
    disputed: boolean,
    given: { amount?: string; reason?: string; error?: string } = {},
  ): string {
    const base = `${ctx.base}/orders/${order.id}`;
    const exponent = currencyExponent(order.currency);
    const major =
      given.amount ?? (balance === undefined ? "" : (balance.available / 10 ** exponent).toFixed(exponent));
    const warning =
      action === "refund" && disputed
        ? html`<p class="notice error" role="alert">${words.dispute.refundWarning}</p>`
        : html``;
    const error = given.error
      ? html`<p class="notice error" role="alert" id="amount-error">${given.error}</p>`
      : html``;
    return layout(
      ctx,
      title(action, order),
      html`${warning}${error}<form class="stacked" method="post" action="${base}/${action}/review">${csrfField(ctx)}
${action === "void" ? html`<p>Voiding releases the whole authorization of ${money(order.amount, order.currency)}: nothing will be charged.</p>` : html`<label>Amount in ${order.currency}${balance ? html` (at most ${money(balance.available, order.currency)})` : html``}<input name="amount" inputmode="decimal" required value="${major}" autocomplete="off"${given.error ? html` aria-invalid="true" aria-describedby="amount-error"` : html``}></label>`}
<label>Reason (kept on the order's timeline)<input name="reason" maxlength="200" required value="${given.reason ?? ""}"></label>
<div class="actions"><button type="submit">Review ${action}</button><a href="${base}">Cancel</a></div></form>`,
    );
  }

  const openDispute = async (order: Order) =>
    ((await disputesOfOrders(options.db, [order.id])).get(order.id) ?? []).some((d) => d.open);

  // Step 1: the form, in major units with the currency shown and the balance as its bound.
  router.get("/orders/:id/:action", async (req: Request<{ id: string; action: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const action = ACTIONS.find((a) => a === req.params.action);
    const order = await store.getOrder(req.params.id);
    if (!action || !order)
      return void res
        .status(404)
        .send(layout(ctx, "Not found", html`<p><a href="${ctx.base}/">All orders</a></p>`));
    const live = await livePayment(deps, order.id);
    const balance = await balanceFor(order, action, live);
    // An action Checkout.com does not offer now (a capture of a captured payment, a void after it)
    // gets a sentence and the way back, not a form that can only fail.
    const nothingLeft = action === "refund" && balance?.available === 0;
    if ("payment" in live && (!live.allowed.includes(action) || nothingLeft))
      return void res.status(409).send(
        layout(
          ctx,
          title(action, order),
          html`<p class="notice error" role="status">${words.notice("action_not_allowed", { action })}${balance ? ` Nothing is left to ${action}: ${balance.why}.` : ""}</p>
<p><a class="button secondary" href="${ctx.base}/orders/${order.id}">Back to the order</a></p>`,
        ),
      );
    res.send(actionForm(ctx, order, action, balance, await openDispute(order)));
  });

  // Step 2: the amount checked against the balance, then repeated with its effect; the confirmation carries one idempotency key.
  router.post(
    "/orders/:id/:action/review",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string; action: string }>, res: Response) => {
      const ctx = pageContext(req as unknown as Request, res);
      const action = ACTIONS.find((a) => a === req.params.action);
      const order = await store.getOrder(req.params.id);
      const path = `${req.baseUrl}/orders/${encodeURIComponent(req.params.id)}`;
      if (!action || !order) return back(res, path, false, words.notice("unknown_action"));
      const body = req.body as { amount?: string; reason?: string };
      const reason = (body.reason ?? "").trim().slice(0, 200);
      const typed = String(body.amount ?? "").slice(0, 40);
      const balance = await balanceFor(order, action);
      const disputed = await openDispute(order);
      const refuse = (error: string) =>
        void res
          .status(400)
          .send(actionForm(ctx, order, action, balance, disputed, { amount: typed, reason, error }));
      const amount = action === "void" ? order.amount : parseMajor(typed, order.currency);
      if (typeof amount === "string") return refuse(amount);
      if (balance && action !== "void" && amount > balance.available)
        return refuse(
          balance.available === 0
            ? `Nothing is left to ${action} on this order: ${balance.why}.`
            : `You can ${action} at most ${money(balance.available, order.currency)} on this order: ${balance.why}. ${money(amount, order.currency)} is more.`,
        );
      if (!reason) return refuse("Give a reason: it goes on the order's timeline.");
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
          html`${action === "refund" && disputed ? html`<p class="notice error" role="alert">${words.dispute.refundWarning}</p>` : html``}<p>${effect}</p><p class="muted">Reason: ${reason}</p>
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
      if (!action) return back(res, path, false, words.notice("unknown_action"));
      const body = req.body as { amount?: string; reason?: string; request?: string };
      const operator = signed(res).operator.name;
      const request = /^[A-Za-z0-9_-]{8,64}$/.test(body.request ?? "") ? body.request : undefined;
      if (!request) return back(res, path, false, words.notice("start_from_order"));
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
      back(res, path, reply.status === 202, replySentence(words, action, reply));
    },
  );
  return router;
}

/** What an operator reads after an action: a fixed sentence for each outcome, never Checkout.com's raw code. */
export function replySentence(
  words: Catalogue,
  action: OperatorAction,
  reply: { status: number; body?: unknown },
): string {
  if (reply.status === 202) return words.notice("action_sent", { action });
  const body = (reply.body ?? {}) as {
    error?: string;
    message?: string;
    available?: number;
    issues?: Array<{ message?: string }>;
  };
  // A refund of charged-back money: the server's sentence says the bank already returned it.
  if (/^The cardholder's bank already returned/.test(String(body.message))) return String(body.message);
  if (body.error === "AMOUNT_INVALID" && body.available !== undefined)
    return words.notice("amount_over_balance", { action });
  if (body.error === "AMOUNT_INVALID") return words.notice("amount_invalid", { action });
  if (body.error === "ACTION_NOT_ALLOWED") return words.notice("action_not_allowed", { action });
  if (body.error === "INVALID_REQUEST") {
    const said = (body.issues ?? []).map((i) => words.refusal(String(i.message))).find(Boolean);
    return said ? `Checkout.com refused the ${action}: ${said}` : words.notice("action_refused", { action });
  }
  if (body.error === "ORDER_NOT_FOUND") return words.notice("unknown_action");
  return words.notice("action_failed", { action });
}

export type { OrderStatus };
