import { formatMoney } from "@handoff/contracts";
import type { TimelineEntry } from "@handoff/server";
import type { Catalogue } from "../messages/index.js";
import { type HtmlSafeString, html } from "../views.js";

/** What was recorded, as a developer reads it: the call, try, status and duration, or the raw fields. */
export function technicalRecord(entry: TimelineEntry): string {
  const d = entry.detail as Record<string, unknown>;
  if (entry.kind === "processor_call")
    return [
      String(d.operation ?? ""),
      `try ${d.attempt ?? 1}`,
      d.status !== undefined ? `HTTP ${d.status}` : String(d.error ?? "no answer"),
      `${d.durationMs ?? "?"} ms`,
    ].join(" · ");
  const fields = Object.entries(d).map(
    ([key, value]) => `${key}: ${typeof value === "object" ? JSON.stringify(value) : String(value)}`,
  );
  return [entry.kind, ...fields].join(" · ");
}

/** One timeline entry: a sentence a support person understands, the technical record one click away. */
export function describe(
  entry: TimelineEntry,
  currency: string,
  words: Catalogue,
  date: (iso: string) => string,
): HtmlSafeString {
  const sentence = words.timeline(entry.kind, entry.detail as Record<string, unknown>, currency, {
    money: formatMoney,
    date,
  });
  return html`${sentence}<details class="record"><summary>${words.labels.technicalRecord}</summary><code>${technicalRecord(entry)}</code></details>`;
}
