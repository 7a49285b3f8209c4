import { formatMoney } from "@handoff/contracts";
import type { Attempt, Order, StoredInboxEvent, TimelineEntry } from "@handoff/server";
import { esc, page } from "../html.js";

export function opsPage(title: string, body: string, notice?: { text: string; error?: boolean }): string {
  const nav = `<nav aria-label="Ops"><a href="/ops">Orders</a><a href="/ops/webhooks">Webhook inbox</a><a href="/ops/rejected">Rejected requests</a><a href="/ops/reconciliation">Reconciliation</a><a href="/ops/destinations">Destinations</a></nav>`;
  const banner = notice
    ? `<p class="notice${notice.error ? " error" : ""}" role="status">${esc(notice.text)}</p>`
    : "";
  return page(
    `${title} · Handoff ops`,
    `<main class="ops"><h1>${esc(title)}</h1>${nav}${banner}${body}</main>`,
  ).replace("<body>", '<body class="ops">');
}

export function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p>${esc(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A GET form that filters a list by status. */
export function statusFilterForm(
  action: string,
  statuses: readonly string[],
  current: string | undefined,
): string {
  const options = ["", ...statuses]
    .map(
      (s) =>
        `<option value="${esc(s)}"${s === (current ?? "") ? " selected" : ""}>${esc(s || "any status")}</option>`,
    )
    .join("");
  return `<form method="get" action="${esc(action)}"><label for="status">Status</label> <select id="status" name="status">${options}</select> <button type="submit">Filter</button></form>`;
}

export const money = (o: Pick<Order, "amount" | "currency">) => esc(formatMoney(o.amount, o.currency));

export function orderRows(orders: Order[]): string[][] {
  return orders.map((o) => [
    `<a href="/ops/orders/${esc(o.id)}"><code>${esc(o.id)}</code></a>`,
    esc(o.updatedAt),
    money(o),
    esc(o.status) + (o.riskFlagged ? " ⚑ risk" : ""),
  ]);
}

/** One line of a timeline entry a person can read: what happened, from whom, why. */
export function describe(entry: TimelineEntry): string {
  const d = entry.detail as Record<string, unknown>;
  switch (entry.kind) {
    case "processor_call":
      return `${esc(d.operation)} try ${esc(d.attempt)} → ${esc(d.status ?? d.error)} in ${esc(d.durationMs)} ms`;
    case "status_changed":
      return `${esc(d.from)} → <strong>${esc(d.to)}</strong> (${esc(d.signal)} from ${esc(d.source)})`;
    case "signal_ignored":
      return `ignored ${esc(d.signal)} from ${esc(d.source)}: ${esc(d.reason)}`;
    case "webhook":
      return `webhook ${esc(d.type)} <code>${esc(d.eventId)}</code>`;
    case "operator_action":
      return `operator ${esc(d.action)}${d.amount ? ` ${esc(d.amount)}` : ""}: ${d.accepted ? "accepted" : `refused (${esc(d.failure)})`}`;
    case "dispute":
      return `dispute ${esc(d.type)} ${esc(d.disputeId)} reason ${esc(d.reasonCode)}`;
    default:
      return `<code>${esc(JSON.stringify(d))}</code>`;
  }
}

export function timelineTable(entries: TimelineEntry[]): string {
  return table(
    ["Time", "Event", "Detail"],
    entries.map((e) => [esc(e.at), esc(e.kind), describe(e)]),
    "No events yet.",
  );
}

export function attemptRows(attempts: Attempt[]): string[][] {
  return attempts.map((a) => [
    `<code>${esc(a.id)}</code>`,
    esc(a.status),
    a.paymentId ? `<code>${esc(a.paymentId)}</code>` : "—",
    esc(a.responseCode ?? "—"),
    esc(a.createdAt),
  ]);
}

export function inboxRows(events: StoredInboxEvent[]): string[][] {
  return events.map((e) => [
    `<code>${esc(e.id)}</code>`,
    esc(e.type),
    esc(e.status),
    esc(e.outcome ?? ""),
    e.orderId ? `<a href="/ops/orders/${esc(e.orderId)}">${esc(e.orderId)}</a>` : "—",
    esc(e.receivedAt),
    `<form class="inline" method="post" action="/ops/webhooks/${esc(e.id)}/replay"><button type="submit">Replay</button></form>`,
  ]);
}
