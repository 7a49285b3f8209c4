import { currencyExponent, formatMoney } from "@handoff/contracts";
import * as tag from "escape-html-template-tag";

export type HtmlSafeString = tag.HtmlSafeString;
type Tag = (parts: TemplateStringsArray, ...subs: unknown[]) => HtmlSafeString;
// The package ships ESM with a default export but CommonJS-shaped types: take the tag either way.
const exported = (tag as unknown as { default: Tag | { default: Tag } }).default;

/** Escapes every interpolated value; nested `html` fragments and arrays of them are kept as they are. */
export const html: Tag = typeof exported === "function" ? exported : exported.default;
export const { join, safe } = tag;

export interface PageContext {
  /** Where the console is mounted (`req.baseUrl`), for every link. */
  base: string;
  operator?: string | undefined;
  csrf?: string | undefined;
  timeZone?: string | undefined;
  notice?: { text: string; error?: boolean } | undefined;
}

/** A page of the console: escaped by the template, no inline script or style (strict CSP). */
export function layout(ctx: PageContext, title: string, body: HtmlSafeString): string {
  const b = ctx.base;
  const nav = ctx.operator
    ? html`<header class="bar"><nav aria-label="Console">
<a href="${b}/">Orders</a><a href="${b}/review">Review</a><a href="${b}/abandoned">Abandoned</a><a href="${b}/webhooks">Webhooks</a><a href="${b}/disputes">Disputes</a><a href="${b}/rejected">Rejected</a><a href="${b}/reconciliation">Reconciliation</a><a href="${b}/payouts">Payouts</a><a href="${b}/destinations">Destinations</a></nav>
<div class="who"><span>${ctx.operator}</span><form class="inline" method="post" action="${b}/logout">${csrfField(ctx)}<button type="submit" class="secondary">Sign out</button></form></div></header>`
    : html``;
  const notice = ctx.notice
    ? html`<p class="notice${ctx.notice.error ? " error" : ""}" role="status">${ctx.notice.text}</p>`
    : html``;
  return `<!doctype html>
${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Handoff ops</title><link rel="stylesheet" href="${b}/assets/ops.css"></head>
<body><a class="skip" href="#main">Skip to the main content</a>${nav}<main id="main" tabindex="-1"><h1>${title}</h1>${notice}${body}</main></body></html>`}`;
}

export function csrfField(ctx: PageContext): HtmlSafeString {
  return ctx.csrf ? html`<input type="hidden" name="_csrf" value="${ctx.csrf}">` : html``;
}

export function table(headers: string[], rows: HtmlSafeString[][], empty: string): HtmlSafeString {
  if (rows.length === 0) return html`<p class="muted">${empty}</p>`;
  // Focusable so a keyboard can scroll a table wider than a phone; on a phone each row is a card
  // whose cells carry their column's name (ops.css), so nothing important sits off-screen.
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${headers.filter(Boolean).join(", ")}"><table><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((c, i) => html`<td data-label="${headers[i] ?? ""}"><span class="cell">${c}</span></td>`)}</tr>`)}</tbody></table></div>`;
}

/** People read major units with the currency: 1450 GBP is "£14.50". */
export const money = (minor: number | undefined, currency: string) =>
  minor === undefined ? "—" : formatMoney(minor, currency);

/**
 * A decimal in major units ("156.502") in the currency's minor units, rounded half away from zero:
 * Checkout.com settles to a hundredth of a penny, people read pennies.
 */
export function roundedMinor(value: string, currency: string): number {
  const [, sign, whole = "0", fraction = ""] = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim()) ?? [];
  const exponent = currencyExponent(currency);
  const kept = BigInt(`${whole}${fraction.slice(0, exponent).padEnd(exponent, "0")}`);
  const up = (fraction[exponent] ?? "0") >= "5" ? 1n : 0n;
  const minor = Number(kept + up);
  return sign && minor !== 0 ? -minor : minor;
}

/**
 * A settlement decimal written as the console writes money ("£156.50"), with the exact figure
 * ("156.502 GBP") when rounding hid sub-penny digits, for a title or a parenthesis.
 */
export function decimalMoney(value: string, currency: string): { shown: string; exact?: string } {
  const shown = formatMoney(roundedMinor(value, currency), currency);
  const digits = /\.(\d+)$/.exec(value)?.[1]?.replace(/0+$/, "").length ?? 0;
  return digits > currencyExponent(currency) ? { shown, exact: `${value} ${currency}` } : { shown };
}

const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** A time in the operator's zone, with how long ago; the exact instant is in the `datetime` attribute. */
/** One formatter per time zone (a few hundred exist): building one per row cost most of a 500-entry timeline page. */
const CLOCKS = new Map<string, Intl.DateTimeFormat>();
function clockIn(timeZone: string): Intl.DateTimeFormat {
  let clock = CLOCKS.get(timeZone);
  if (!clock) {
    clock = new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "medium" });
    CLOCKS.set(timeZone, clock);
  }
  return clock;
}

export function when(iso: string | undefined, timeZone = "UTC", now = Date.now()): HtmlSafeString {
  if (!iso) return html`—`;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return html`${iso}`;
  const local = clockIn(timeZone).format(at);
  const seconds = Math.round((at.getTime() - now) / 1000);
  const [value, unit] =
    Math.abs(seconds) < 60
      ? [seconds, "second"]
      : Math.abs(seconds) < 3600
        ? [Math.round(seconds / 60), "minute"]
        : Math.abs(seconds) < 86_400
          ? [Math.round(seconds / 3600), "hour"]
          : [Math.round(seconds / 86_400), "day"];
  return html`<time datetime="${iso}" title="${iso}">${local}</time> <span class="muted">(${RELATIVE.format(value, unit as Intl.RelativeTimeFormatUnit)})</span>`;
}
