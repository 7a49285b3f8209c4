import { fromMinorUnits } from "@handoff/contracts";
import type { Handoff, Order, OrderSearch } from "@handoff/server";
import type { Request, Response } from "express";
import { messages } from "../messages/index.js";
import { searchFrom } from "./filters.js";

/** Rows per read from the database while exporting: memory holds one batch, whatever the range. */
const BATCH = 500;

const COLUMNS = [
  "order_id",
  "created_at",
  "status",
  "status_text",
  "amount",
  "currency",
  "email",
  "name",
  "country",
];

/**
 * One CSV cell: quoted, quotes doubled, and text a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, CR at the start: a shopper's name is theirs to write) kept as text with a `'`.
 */
export function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? "" : String(value);
  const safe = typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function csvRow(order: Order): string {
  const words = messages("en");
  return `${[
    order.id,
    order.createdAt,
    order.status,
    words.status[order.status],
    // Major units, exact (no floating point), without a symbol: a spreadsheet sums them.
    fromMinorUnits(order.amount, order.currency),
    order.currency,
    order.customer?.email,
    order.customer?.name,
    order.billing?.country,
  ]
    .map(csvCell)
    .join(",")}\r\n`;
}

/**
 * `GET /orders.csv` with the list's filters: every matching order, newest first, read a batch at a
 * time along the list's own cursor and written as the client takes it (a full socket waits for
 * `drain`; a client that goes away stops the reading).
 */
/**
 * Resolves when the client has taken what was written, or has gone. Both listeners go once either
 * fires: a race of two `once()` left the loser's behind, one more per wait, on a long export.
 */
function drainedOrGone(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export async function exportOrders(handoff: Handoff, req: Request, res: Response, abandonedAfterMs?: number) {
  const { store } = handoff.deps;
  const filter: OrderSearch = {
    ...searchFrom(req, handoff.deps.now(), abandonedAfterMs),
    limit: BATCH,
    uncounted: true,
  };
  const day = handoff.deps.now().toISOString().slice(0, 10);
  res.status(200).set({
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="orders-${day}.csv"`,
  });
  let gone = false;
  res.on("close", () => {
    gone = true;
  });
  res.write(`${COLUMNS.join(",")}\r\n`);
  let cursor: string | undefined;
  do {
    const page = await store.searchOrders({ ...filter, ...(cursor ? { before: cursor } : {}) });
    for (const order of page.orders) {
      if (gone) return;
      if (!res.write(csvRow(order))) await drainedOrGone(res);
    }
    cursor = page.next;
  } while (cursor && !gone);
  res.end();
}
