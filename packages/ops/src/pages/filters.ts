import { ORDER_STATUSES, type OrderStatus } from "@handoff/contracts";
import type { OrderSearch } from "@handoff/server";
import type { Request } from "express";
import type { Catalogue } from "../messages/index.js";
import { type HtmlSafeString, html } from "../views.js";

export const PAGE_SIZE = 50;

/** A checkout untouched this long with no payment tried is abandoned, not an order. */
export const DEFAULT_ABANDONED_AFTER_MS = 60 * 60_000;

/** How search finds an email, said where people type: by its beginning, and never by its domain alone. */
export const SEARCH_HELP =
  "Type at least 3 characters. An email is found by its beginning (ann@ or ann.lee), in any case; a domain alone (@example.com) is not searched.";

/** A search that is a domain alone ("@example.com", "example.com"): no order is found by the end of its email. */
export const looksLikeDomain = (q: string | undefined) =>
  q !== undefined && (/^@/.test(q) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(q));

export const query = (req: Request, name: string) => {
  const v = req.query[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
};

/**
 * Filters from the query string; anything malformed is dropped, never a 500. Checkouts never paid
 * are left out unless `abandoned=only` (their own view) or `abandoned=include` asks for them.
 */
export function searchFrom(
  req: Request,
  now: Date,
  abandonedAfterMs = DEFAULT_ABANDONED_AFTER_MS,
): OrderSearch {
  const status = ORDER_STATUSES.find((s) => s === query(req, "status"));
  const currency = query(req, "currency")?.toUpperCase();
  const day = (v: string | undefined) =>
    v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? `${v}T00:00:00.000Z` : undefined;
  const to = day(query(req, "to"));
  const email = query(req, "email");
  const abandoned = query(req, "abandoned");
  const before = new Date(now.getTime() - abandonedAfterMs).toISOString();
  return {
    ...(query(req, "q") ? { query: query(req, "q") } : {}),
    ...(status ? { status } : {}),
    ...(currency && /^[A-Z]{3}$/.test(currency) ? { currency } : {}),
    ...(day(query(req, "from")) ? { from: day(query(req, "from")) } : {}),
    // "to" is a day, included.
    ...(to ? { to: new Date(Date.parse(to) + 86_400_000).toISOString() } : {}),
    ...(query(req, "review") === "yes" ? { review: true } : {}),
    ...(query(req, "disputed") === "yes" ? { disputed: true } : {}),
    ...(email && email.length <= 254 ? { email } : {}),
    ...(abandoned === "include"
      ? {}
      : { abandoned: { before, mode: abandoned === "only" ? "only" : "exclude" } }),
    ...(query(req, "after") ? { before: query(req, "after") } : {}),
    limit: PAGE_SIZE,
  };
}

/**
 * The filters `searchFrom` would drop, each with why. The pages drop them (a person sees the form
 * as it searched); the API refuses them, so a program never takes "every order" for its filter's answer.
 */
export function filterIssues(req: Request): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const check = (name: string, ok: (v: string) => boolean, message: string) => {
    const v = query(req, name);
    if (v !== undefined && !ok(v)) issues.push({ path: name, message });
  };
  check("status", (v) => ORDER_STATUSES.some((s) => s === v), `one of ${ORDER_STATUSES.join(", ")}`);
  check("currency", (v) => /^[A-Za-z]{3}$/.test(v), "a three-letter ISO 4217 code");
  for (const name of ["from", "to"])
    check(name, (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)), "a day, YYYY-MM-DD");
  for (const name of ["review", "disputed"]) check(name, (v) => v === "yes", "yes, or leave it out");
  check("abandoned", (v) => ["include", "only", "exclude"].includes(v), "include, only or exclude");
  check("email", (v) => v.length <= 254, "at most 254 characters");
  return issues;
}

/** The query string of the filters alone (no page cursor): for the export link and the next page. */
export function filterQuery(req: Request, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const name of ["q", "status", "currency", "from", "to", "review", "disputed", "email", "abandoned"]) {
    const v = query(req, name);
    if (v) params.set(name, v);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

export function filterForm(
  req: Request,
  action: string,
  words: Catalogue,
  currencies: string[],
): HtmlSafeString {
  const v = (name: string) => query(req, name) ?? "";
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${value === current ? html` selected` : html``}>${label}</option>`;
  const statuses = [
    option("", "Any status", v("status")),
    ...ORDER_STATUSES.map((s: OrderStatus) => option(s, words.status[s], v("status"))),
  ];
  const chosen = v("currency").toUpperCase();
  const known =
    chosen && /^[A-Z]{3}$/.test(chosen) && !currencies.includes(chosen)
      ? [...currencies, chosen].sort()
      : currencies;
  const currencyOptions = [option("", "Any currency", chosen), ...known.map((c) => option(c, c, chosen))];
  const box = (name: string, label: string) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="yes"${v(name) === "yes" ? html` checked` : html``}> ${label}</label>`;
  return html`<form class="filters" method="get" action="${action}" role="search">
<label class="wide">Search <input name="q" value="${v("q")}" placeholder="Order, payment, email or last four" aria-describedby="search-help"></label>
<label class="half">Status <select name="status">${statuses}</select></label>
<label class="half">Currency <select name="currency">${currencyOptions}</select></label>
<label class="half">From <input name="from" type="date" value="${v("from")}"></label>
<label class="half">To <input name="to" type="date" value="${v("to")}"></label>
<fieldset class="checks"><legend>Only</legend>${box("review", "Held for review")}${box("disputed", "Disputed")}</fieldset>
${v("email") ? html`<input type="hidden" name="email" value="${v("email")}">` : html``}
<div class="filter-actions"><button type="submit">Search</button> <a href="${action}">Clear</a></div>
<p class="muted hint" id="search-help">${SEARCH_HELP}</p></form>`;
}
