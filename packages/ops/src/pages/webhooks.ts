import { INBOX_STATUSES, type Webhooks } from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { messages } from "../messages/index.js";
import { csrfField, html, layout, table, when } from "../views.js";
import { back, pageContext } from "./orders.js";

const PAGE = 50;

const REDACTED = "[redacted]";

/** Fields of a Checkout.com payload that are personal data or secrets: shown as "[redacted]". */
const REDACTED_FIELDS =
  /^(email|name|first_name|last_name|phone|number|country_code|address_line1|address_line2|city|zip|state|payment_ip|ip|fingerprint|bin|AccelerateToken|token|cvv|signature|authorization|password|secret|secret_key|api_key|access_token|refresh_token)$/i;

/**
 * Secrets by their look, wherever they sit: Checkout.com secret keys (`sk_…`, `sk_sbox_…`,
 * `sk_test_…`), webhook secrets, JWTs. Each starts at a word's edge, so a scan stays linear.
 */
const SECRET_VALUES = /(?<![\w-])(?:sk|whsec)_[\w-]{4,}|\beyJ[\w-]*\.[\w-]+\.[\w-]*/gi;
/** The credential after `Bearer` or `Basic`; the scheme's name stays, to show what was there. */
const CREDENTIAL_AFTER_SCHEME = /\b(bearer|basic)(\s+)[\w.~+/-]{8,}=*/gi;
/** E-mail addresses; the look-behind starts a match only where a local part starts (linear). */
const EMAIL = /(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** Digits with single spaces or dashes between them: where a card number may be written. */
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

/** The Luhn check every card number passes (and nine in ten other digit strings fail). */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    const doubled = i % 2 === 1 ? digit * 2 : digit;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  return sum % 10 === 0;
}

const looksLikeCardNumber = (digits: string) =>
  digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);

/** The groups of a digit run that make up a card number: 13 to 19 digits, whole groups, passing Luhn. */
function cardNumberGroups(groups: readonly string[]): Set<number> {
  const digits = groups.join("");
  const starts = [0];
  for (const group of groups) starts.push((starts.at(-1) ?? 0) + group.length);
  const hidden = new Set<number>();
  for (let first = 0; first < groups.length; first++) {
    const from = starts[first] ?? 0;
    for (let last = first; last < groups.length && (starts[last + 1] ?? 0) - from <= 19; last++) {
      if (!looksLikeCardNumber(digits.slice(from, starts[last + 1]))) continue;
      for (let g = first; g <= last; g++) hidden.add(g);
    }
  }
  return hidden;
}

/** A digit run with its card numbers hidden; an expiry or CVV written beside one does not hide it. */
function withoutCardNumbers(run: string): string {
  const groups = run.split(/[ -]/);
  const hidden = cardNumberGroups(groups);
  if (hidden.size === 0) return run;
  const separators = run.match(/[ -]/g) ?? [];
  const parts: string[] = [];
  for (const [g, group] of groups.entries()) {
    // Neighbouring hidden groups are one card number: one "[redacted]".
    if (hidden.has(g) && hidden.has(g - 1)) continue;
    if (g > 0) parts.push(separators[g - 1] ?? "");
    parts.push(hidden.has(g) ? REDACTED : group);
  }
  return parts.join("");
}

/** Text with whatever looks like a card number, a secret or an e-mail address replaced. */
function redactText(text: string): string {
  return text
    .replace(SECRET_VALUES, REDACTED)
    .replace(CREDENTIAL_AFTER_SCHEME, `$1$2${REDACTED}`)
    .replace(EMAIL, REDACTED)
    .replace(DIGIT_RUN, withoutCardNumbers);
}

/** A number sent as a JSON number: hidden when it could be a card number (or is too long to check). */
function redactNumber(value: number): number | string {
  if (!Number.isInteger(value) || Math.abs(value) < 1e12) return value;
  const digits = BigInt(Math.abs(value)).toString();
  const couldBeCard = digits.length <= 19 && (!Number.isSafeInteger(value) || looksLikeCardNumber(digits));
  return couldBeCard ? REDACTED : value;
}

/**
 * A Checkout.com payload fit to show: personal fields by name, and card numbers, secrets and
 * e-mail addresses by their look in any value or field name. Ids (pay_, evt_, act_) and amounts stay.
 */
export function redact(value: unknown): unknown {
  if (typeof value === "string") return redactText(value);
  if (typeof value === "number") return redactNumber(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        redactText(k),
        REDACTED_FIELDS.test(k) && (typeof v === "string" || typeof v === "number") ? REDACTED : redact(v),
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
