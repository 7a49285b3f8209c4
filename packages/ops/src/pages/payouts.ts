import {
  type ExceptionKind,
  type Exceptions,
  ExceptionsCursorError,
  formatDecimal,
  type OrderStore,
  PayoutCursorError,
  type PayoutOrdersPage,
  readProblems,
  type SettlementService,
  type StoredLine,
  type StoredPayout,
} from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { messages } from "../messages/index.js";
import { type HtmlSafeString, html, layout, money, table, when } from "../views.js";
import { pageContext } from "./orders.js";
import { amount, settlementWords } from "./settlement.js";

/** Rows per exceptions queue on one page; the rest follow a page at a time. */
const EXCEPTIONS_PAGE = 50;
/** A payout's orders per page (page and API): a busy day's payout holds thousands. */
const PAYOUT_ORDERS_PAGE = 200;

/** A page of the payout's orders from `?after=`; undefined when the cursor is not one Handoff gave. */
async function payoutOrdersPage(
  settlement: SettlementService,
  payoutId: string,
  after: unknown,
): Promise<PayoutOrdersPage | undefined> {
  try {
    return await settlement.store.payoutOrders(payoutId, {
      limit: PAYOUT_ORDERS_PAGE,
      after: typeof after === "string" ? after : undefined,
    });
  } catch (error) {
    if (error instanceof PayoutCursorError) return undefined;
    throw error;
  }
}

/** One exceptions queue on the page. */
interface Section<T> {
  title: string;
  headers: string[];
  empty: string;
  row: (item: T) => HtmlSafeString[];
}

/** Whether a payout adds up: its lines' net against what Checkout.com says it paid, when it said. */
function addsUp(p: StoredPayout): boolean | null {
  return p.amount === undefined ? null : p.amount === p.net;
}

/** A payout for machines: exact decimal strings in major units of its holding currency. */
export function payoutJson(p: StoredPayout) {
  return {
    payoutId: p.payoutId,
    currency: p.currency,
    date: p.date ?? null,
    gross: formatDecimal(p.gross, p.currency),
    fees: formatDecimal(p.fees, p.currency),
    net: formatDecimal(p.net, p.currency),
    amount: p.amount === undefined ? null : formatDecimal(p.amount, p.currency),
    addsUp: addsUp(p),
    lines: p.lines,
    orders: p.orders,
    exceptions: p.exceptions,
    reconciledAt: p.reconciledAt,
  };
}

/** Each problem its own sentence: several read as a list, one as a line. */
const problemList = (sentences: string[]) =>
  sentences.length === 0
    ? html`—`
    : sentences.length === 1
      ? html`${sentences[0]}`
      : html`<ul class="plain">${sentences.map((s) => html`<li>${s}</li>`)}</ul>`;

const addsUpText = (p: StoredPayout) => {
  const ok = addsUp(p);
  return ok === null
    ? html`<span class="muted">amount not reported</span>`
    : ok
      ? html`Yes`
      : html`<strong>No</strong>`;
};

/** What Checkout.com paid: a negative payout took money back from the merchant, and says so. */
export function paidOut(p: Pick<StoredPayout, "amount" | "currency">): HtmlSafeString {
  if (p.amount === undefined) return html`<dt>Paid out</dt><dd>—</dd>`;
  const back = p.amount < 0n;
  return html`<dt>${back ? "Taken back" : "Paid out"}</dt><dd>${amount(formatDecimal(back ? -p.amount : p.amount, p.currency), p.currency)}</dd>`;
}

/** A CSV cell: quoted when it must be, and never read as a formula by a spreadsheet. */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_HEADER = [
  "Payout ID",
  "Order ID",
  "Action Type",
  "Action ID",
  "Payment ID",
  "Reference",
  "Processed On",
  "Breakdown Type",
  "Fee Detail",
  "Processing Currency",
  "Processing Currency Amount",
  "Holding Currency",
  "Holding Currency Amount",
];

function csvRow(payoutId: string, l: StoredLine): string {
  return [
    payoutId,
    l.orderId ?? "",
    l.actionType,
    l.actionId,
    l.paymentId,
    l.reference,
    l.processedOn,
    l.breakdownType,
    l.feeDetail,
    l.processingCurrency,
    formatDecimal(l.processingAmount, l.processingCurrency),
    l.holdingCurrency,
    formatDecimal(l.holdingAmount, l.holdingCurrency),
  ]
    .map(cell)
    .join(",");
}

/** Streams a payout's lines as CSV, a page at a time, each line matched to its order. */
async function sendCsv(settlement: SettlementService, payoutId: string, res: Response): Promise<void> {
  res.type("text/csv").attachment(`payout-${payoutId}.csv`);
  res.write(`${CSV_HEADER.join(",")}\r\n`);
  for await (const page of settlement.store.payoutLines(payoutId))
    if (!res.write(`${page.map((l) => csvRow(payoutId, l)).join("\r\n")}\r\n`))
      await new Promise((resolve) => res.once("drain", resolve));
  res.end();
}

/**
 * What the orders of some settlement rows are now, by id: a mismatch is worded from its order
 * (one held for review says so). One lookup per order, for a page of rows at most.
 */
async function ordersOf(orders: Pick<OrderStore, "getOrder">, ids: Iterable<string>) {
  const found = await Promise.all([...new Set(ids)].map((id) => orders.getOrder(id)));
  return new Map(found.flatMap((o) => (o ? [[o.id, o] as const] : [])));
}

/** Payouts, each payout's orders, the exceptions queue and the CSV export, for people. */
export function payoutPages(settlement: SettlementService, orders: Pick<OrderStore, "getOrder">): Router {
  const router = express.Router();
  const words = messages("en");

  router.get("/payouts", async (req, res) => {
    const ctx = pageContext(req, res);
    const rows = (await settlement.store.payouts()).map((p) => [
      html`<a href="${ctx.base}/payouts/${p.payoutId}"><code>${p.payoutId}</code></a>`,
      when(p.date, ctx.timeZone),
      amount(formatDecimal(p.gross, p.currency), p.currency),
      amount(formatDecimal(p.fees, p.currency), p.currency),
      amount(formatDecimal(p.net, p.currency), p.currency),
      html`${p.orders}`,
      addsUpText(p),
      p.exceptions
        ? html`<a href="${ctx.base}/settlement/exceptions"><strong>${p.exceptions}</strong></a>`
        : html`0`,
    ]);
    res.send(
      layout(
        ctx,
        "Payouts",
        html`<p><a href="${ctx.base}/settlement/exceptions">Settlement exceptions</a></p>
${table(["Payout", "Date", "Gross", "Fees", "Net", "Orders", "Adds up", "Exceptions"], rows, "No payout has been reported yet.")}`,
      ),
    );
  });

  router.get("/payouts/:id/export.csv", async (req: Request<{ id: string }>, res: Response) => {
    const payout = await settlement.store.payout(req.params.id);
    if (!payout) return void res.status(404).type("text/plain").send("No such payout.");
    await sendCsv(settlement, payout.payoutId, res);
  });

  router.get("/payouts/:id", async (req: Request<{ id: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const p = await settlement.store.payout(req.params.id);
    if (!p)
      return void res
        .status(404)
        .send(layout(ctx, "Payout not found", html`<p><a href="${ctx.base}/payouts">All payouts</a></p>`));
    const page = await payoutOrdersPage(settlement, p.payoutId, req.query.after);
    if (!page)
      return void res
        .status(400)
        .send(
          layout(
            ctx,
            `Payout ${p.payoutId}`,
            html`<p>That page link is not valid any more. Start again from the first page.</p><p><a href="${ctx.base}/payouts/${p.payoutId}">Payout ${p.payoutId}</a></p>`,
          ),
        );
    const payoutOrders = page.orders;
    // Only a mismatch is worded from its order now; the other statuses say all there is.
    const now = await ordersOf(
      orders,
      payoutOrders.flatMap((o) => (o.orderId && o.status === "mismatch" ? [o.orderId] : [])),
    );
    const rows = payoutOrders.map((o) => [
      o.orderId
        ? html`<a href="${ctx.base}/orders/${o.orderId}"><code class="id">${o.orderId}</code></a>`
        : html`<em>No order</em>`,
      html`${
        o.status
          ? settlementWords(
              words,
              o.status,
              readProblems(o.problems, o.orderId ? now.get(o.orderId) : undefined),
            )
          : "—"
      }`,
      amount(formatDecimal(o.gross, o.currency), o.currency),
      amount(formatDecimal(o.fees, o.currency), o.currency),
      amount(formatDecimal(o.net, o.currency), o.currency),
      html`${o.lines}`,
    ]);
    res.send(
      layout(
        ctx,
        `Payout ${p.payoutId}`,
        html`<p><a href="${ctx.base}/payouts">All payouts</a></p><dl class="facts"><dt>Date</dt><dd>${when(p.date, ctx.timeZone)}</dd>
<dt>Gross</dt><dd>${amount(formatDecimal(p.gross, p.currency), p.currency)}</dd>
<dt>Fees</dt><dd>${amount(formatDecimal(p.fees, p.currency), p.currency)}</dd>
<dt>Net</dt><dd><strong>${amount(formatDecimal(p.net, p.currency), p.currency)}</strong></dd>
${paidOut(p)}
<dt>Orders</dt><dd>${p.orders}</dd><dt>Adds up</dt><dd>${addsUpText(p)}</dd><dt>Exceptions</dt><dd>${p.exceptions}</dd>
<dt>Read</dt><dd>${when(p.reconciledAt, ctx.timeZone)}</dd></dl>
<p><a class="button secondary" href="${ctx.base}/payouts/${p.payoutId}/export.csv" download>Export as CSV</a></p>
<h2>Orders in this payout</h2>${table(["Order", "Settlement", "Gross", "Fees", "Net", "Lines"], rows, "No lines.")}${
          page.next
            ? html`<p><a href="${ctx.base}/payouts/${p.payoutId}?after=${encodeURIComponent(page.next)}">More orders</a></p>`
            : html``
        }`,
      ),
    );
  });

  router.get("/settlement/exceptions", async (req, res) => {
    const ctx = pageContext(req, res);
    const days = settlement.unsettledAfterDays;
    const order = (id: string) => html`<a href="${ctx.base}/orders/${id}"><code class="id">${id}</code></a>`;
    // Filled per page below, before the rows are drawn: what each mismatch's order is now.
    let now = new Map<string, Awaited<ReturnType<OrderStore["getOrder"]>>>();
    const payout = (id: string | undefined) =>
      id ? html`<a href="${ctx.base}/payouts/${id}"><code>${id}</code></a>` : html`—`;
    // Each queue as a table: its title, columns, rows, and what to say when it is empty.
    const sections: { [K in ExceptionKind]: Section<Exceptions[K][number]> } = {
      mismatches: {
        title: "Mismatches",
        headers: ["Order", "What differs", "Net", "Payout"],
        empty: "None: every settled amount matches what was captured and refunded.",
        row: (m) => [
          order(m.orderId),
          problemList(readProblems(m.problems, now.get(m.orderId)).map((p) => words.settlement.problem(p))),
          amount(formatDecimal(m.net, m.currency), m.currency),
          payout(m.payoutId),
        ],
      },
      orphans: {
        title: "Lines for no order",
        headers: ["Action", "Kind", "Payment or reference", "Amount", "Payout"],
        empty: "None.",
        row: (l) => [
          html`<code>${l.actionId}</code>`,
          html`${l.actionType} · ${l.breakdownType}`,
          html`${l.paymentId || l.reference || "—"}`,
          amount(formatDecimal(l.holdingAmount, l.holdingCurrency), l.holdingCurrency),
          payout(l.payoutId),
        ],
      },
      unsettled: {
        title: `Captured more than ${days} days ago, not settled`,
        headers: ["Order", "Captured", "Settlement", "Since"],
        empty: "None.",
        row: (u) => [
          order(u.orderId),
          html`${money(u.amount, u.currency)}`,
          html`${u.status ? settlementWords(words, u.status) : "Nothing reported yet"}`,
          when(u.since, ctx.timeZone),
        ],
      },
      feeOnly: {
        title: "Fee-only adjustments",
        headers: ["Order", "Payout", "Fees"],
        empty: "None.",
        row: (f) => [
          order(f.orderId),
          payout(f.payoutId),
          amount(formatDecimal(f.fees, f.currency), f.currency),
        ],
      },
      notable: {
        title: "Worth a look",
        headers: ["Order", "Why", "Net"],
        empty: "None.",
        row: (n) => [
          order(n.orderId),
          html`${words.settlement.notable(n)}`,
          amount(formatDecimal(n.net, n.currency), n.currency),
        ],
      },
    };
    // One queue a page at a time (`?kind=…&after=…`), or the first page of each.
    const only = typeof req.query.kind === "string" ? req.query.kind : undefined;
    const after = typeof req.query.after === "string" ? req.query.after : undefined;
    if (only !== undefined && !(only in sections)) {
      res
        .status(404)
        .send(
          layout(
            ctx,
            "Settlement exceptions",
            html`<p>There is no such list of exceptions.</p><p><a href="${ctx.base}/settlement/exceptions">All exceptions</a></p>`,
          ),
        );
      return;
    }
    const kinds = only ? [only as ExceptionKind] : (Object.keys(sections) as ExceptionKind[]);
    const parts = [];
    for (const kind of kinds) {
      let page: { items: unknown[]; next?: string | undefined };
      try {
        page = await settlement.store.exceptionsPage(kind, {
          unsettledAfterDays: days,
          limit: EXCEPTIONS_PAGE,
          after,
        });
      } catch (error) {
        if (!(error instanceof ExceptionsCursorError)) throw error;
        res
          .status(400)
          .send(
            layout(
              ctx,
              "Settlement exceptions",
              html`<p>That page link is not valid any more. Start again from the first page.</p><p><a href="${ctx.base}/settlement/exceptions?kind=${kind}">${sections[kind].title}</a></p>`,
            ),
          );
        return;
      }
      if (kind === "mismatches")
        now = await ordersOf(
          orders,
          (page.items as Exceptions["mismatches"]).map((m) => m.orderId),
        );
      const section = sections[kind] as Section<unknown>;
      const more = page.next
        ? html`<p><a href="${ctx.base}/settlement/exceptions?kind=${kind}&amp;after=${encodeURIComponent(page.next)}">More ${section.title.toLowerCase()}</a></p>`
        : html``;
      parts.push(
        html`<h2>${section.title}</h2>${table(section.headers, page.items.map(section.row), section.empty)}${more}`,
      );
    }
    const back = only
      ? html`<p><a href="${ctx.base}/settlement/exceptions">All exceptions</a></p>`
      : html`<p><a href="${ctx.base}/payouts">All payouts</a></p>`;
    res.send(layout(ctx, "Settlement exceptions", html`${back}${parts}`));
  });

  return router;
}

/** `GET /payouts` and `GET /payouts/:id` of the ops JSON API. */
export function payoutsApi(settlement: SettlementService | undefined): Router {
  const api = express.Router();
  const off = (res: Response) =>
    void res
      .status(404)
      .json({ error: "SETTLEMENT_OFF", message: "Settlement reconciliation is turned off." });
  api.get("/payouts", async (_req, res) => {
    if (!settlement) return off(res);
    res.json({ data: (await settlement.store.payouts()).map(payoutJson) });
  });
  api.get("/payouts/:id", async (req, res) => {
    if (!settlement) return off(res);
    const p = await settlement.store.payout(req.params.id);
    if (!p) return void res.status(404).json({ error: "PAYOUT_NOT_FOUND", message: "No such payout." });
    const page = await payoutOrdersPage(settlement, p.payoutId, req.query.after);
    if (!page)
      return void res
        .status(400)
        .json({ error: "INVALID_CURSOR", message: "after: not a cursor this payout's orders gave." });
    const orders = page.orders.map((o) => ({
      orderId: o.orderId ?? null,
      status: o.status ?? null,
      currency: o.currency,
      gross: formatDecimal(o.gross, o.currency),
      fees: formatDecimal(o.fees, o.currency),
      net: formatDecimal(o.net, o.currency),
      lines: o.lines,
    }));
    res.json({ payout: payoutJson(p), orders, ...(page.next ? { next: page.next } : {}) });
  });
  return api;
}
