import { INBOX_STATUSES, type Webhooks } from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { messages } from "../messages/index.js";
import { csrfField, html, layout, table, when } from "../views.js";
import { back, pageContext } from "./orders.js";

const PAGE = 50;

/** Fields of a Checkout.com payload that are personal data or secrets: shown as "[redacted]". */
const REDACTED =
  /^(email|name|first_name|last_name|phone|number|country_code|address_line1|address_line2|city|zip|state|payment_ip|ip|fingerprint|bin|AccelerateToken|token|cvv|signature|authorization)$/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        REDACTED.test(k) && (typeof v === "string" || typeof v === "number") ? "[redacted]" : redact(v),
      ]),
    );
  }
  return value;
}

/** The webhook inbox with its payloads, rejected requests, and the reconciliation sweep. */
export function webhookPages(
  webhooks: Webhooks,
  stuckAfterMs: number,
  guard: { requireCsrf: express.RequestHandler },
): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "4kb" });
  const words = messages("en");
  /** What processing did, with the worker's own words one click away. */
  const outcome = (status: string, raw: string | undefined) =>
    html`${words.webhook.outcome(status, raw)}${raw ? html`<details class="record"><summary>${words.labels.technicalRecord}</summary><code>${raw}</code></details>` : html``}`;

  router.get("/webhooks", async (req, res) => {
    const ctx = pageContext(req, res);
    const status = INBOX_STATUSES.find((s) => s === req.query.status);
    const q = typeof req.query.q === "string" ? req.query.q.trim() : "";
    const after = typeof req.query.after === "string" ? req.query.after : undefined;
    // One more than a page, to know whether there is a next one.
    const found = await webhooks.inbox.list({
      ...(status ? { status } : {}),
      ...(q ? { query: q } : {}),
      ...(after ? { before: after } : {}),
      limit: PAGE + 1,
    });
    const events = found.slice(0, PAGE);
    const last = events.at(-1);
    const next =
      found.length > PAGE && last
        ? new URLSearchParams({
            ...(q ? { q } : {}),
            ...(status ? { status } : {}),
            after: `${last.receivedAt}|${last.id}`,
          })
        : undefined;
    const rows = events
      .slice(0, 200)
      .map((e) => [
        html`<a href="${ctx.base}/webhooks/${e.id}">${words.webhook.type(e.type)}</a>`,
        html`${words.webhook.status(e.status)}`,
        outcome(e.status, e.outcome),
        e.orderId
          ? html`<a href="${ctx.base}/orders/${e.orderId}"><code class="id">${e.orderId}</code></a>`
          : html`—`,
        when(e.receivedAt, ctx.timeZone),
      ]);
    const options = ["", ...INBOX_STATUSES].map(
      (s) =>
        html`<option value="${s}"${s === (status ?? "") ? html` selected` : html``}>${s ? words.webhook.status(s) : "Any status"}</option>`,
    );
    res.send(
      layout(
        ctx,
        "Webhook inbox",
        html`<form class="filters" method="get" role="search"><label>Event id, type or order <input name="q" value="${q}" placeholder="evt_…, payment_captured or ord_…"></label><label>Status <select name="status">${options}</select></label><button type="submit">Search</button></form>
${table(["Event", "Status", "What Handoff did", "Order", "Received"], rows, q || status ? "No webhook matches." : "No webhooks received yet.")}
${next ? html`<p><a class="button secondary" href="${ctx.base}/webhooks?${next.toString()}">Next ${PAGE}</a></p>` : html``}`,
      ),
    );
  });

  router.get("/webhooks/:id", async (req: Request<{ id: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const event = await webhooks.inbox.get(req.params.id);
    if (!event)
      return void res
        .status(404)
        .send(
          layout(
            ctx,
            "Webhook not found",
            html`<p>No webhook has that id.</p><p><a href="${ctx.base}/webhooks">All webhooks</a></p>`,
          ),
        );
    let payload: string;
    try {
      payload = JSON.stringify(redact(JSON.parse(event.rawBody)), null, 2);
    } catch {
      payload = "(not JSON)";
    }
    res.send(
      layout(
        ctx,
        `Webhook: ${words.webhook.type(event.type)}`,
        html`<p><a href="${ctx.base}/webhooks">All webhooks</a></p><dl class="facts"><dt>Event</dt><dd><code>${event.id}</code></dd><dt>Status</dt><dd>${words.webhook.status(event.status)}</dd><dt>What Handoff did</dt><dd>${outcome(event.status, event.outcome)}</dd>
<dt>Order</dt><dd>${event.orderId ? html`<a href="${ctx.base}/orders/${event.orderId}"><code class="id">${event.orderId}</code></a>` : "—"}</dd><dt>Received</dt><dd>${when(event.receivedAt, ctx.timeZone)}</dd><dt>Attempts</dt><dd>${event.attempts}</dd></dl>
<form method="post" action="${ctx.base}/webhooks/${event.id}/replay">${csrfField(ctx)}<button type="submit" class="secondary">Process again</button></form>
<h2>Payload (personal data and secrets redacted)</h2><pre class="payload" tabindex="0">${payload}</pre>`,
      ),
    );
  });

  router.post(
    "/webhooks/:id/replay",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string }>, res: Response) => {
      const found = await webhooks.reprocess(req.params.id);
      back(
        res,
        `${req.baseUrl}/webhooks/${encodeURIComponent(req.params.id)}`,
        found,
        words.webhook.replayed(found),
      );
    },
  );

  router.get("/rejected", async (req, res) => {
    const ctx = pageContext(req, res);
    const rows = (await webhooks.inbox.rejected(200)).map((r) => [
      when(r.at, ctx.timeZone),
      html`${r.method}`,
      html`${words.rejected(r.reason)}`,
      html`${r.headerNames.join(", ")}`,
      html`<code>${r.bodySha256.slice(0, 16)}…</code>`,
      html`${r.bodySize}`,
    ]);
    res.send(
      layout(
        ctx,
        "Rejected requests",
        html`<p>Requests to the webhook endpoint that were refused: header names only, never their values.</p>${table(["When", "Method", "Reason", "Headers", "Body SHA-256", "Bytes"], rows, "Nothing has been rejected.")}`,
      ),
    );
  });

  router.get("/reconciliation", async (req, res) => {
    const ctx = pageContext(req, res);
    res.send(
      layout(
        ctx,
        "Reconciliation",
        html`<p>Payments waiting longer than ${Math.round(stuckAfterMs / 60_000)} minutes for Checkout.com's answer are looked up by the sweep, which applies what Checkout.com says.</p>
<form method="post" action="${ctx.base}/reconciliation">${csrfField(ctx)}<button type="submit">Run the sweep now</button></form>`,
      ),
    );
  });
  router.post("/reconciliation", form, guard.requireCsrf, async (req, res) => {
    const r = await webhooks.reconcile(stuckAfterMs);
    back(res, `${req.baseUrl}/reconciliation`, true, words.reconciliation(r));
  });
  return router;
}
