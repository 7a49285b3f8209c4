import type { Dialect, SqlClient } from "@handoff/server";

/**
 * Stored history for the scale benchmarks, written straight in SQL (a number series), so a million
 * orders take seconds, on SQLite or PostgreSQL: orders over a year (mostly captured, some refunded,
 * declined, voided, a few held for review; three currencies; repeat customers), one attempt each
 * with a card's last four, a timeline of three entries (and a dispute on one order in 500), and
 * `eventsPerOrder` processed webhook events per order shaped like Checkout.com's. Orders are
 * numbered from `from`, so calls add to what is there; order i was created i × (a year / `span`)
 * after the first, so `span` orders fill a year.
 */
export interface HistoryRange {
  from: number;
  orders: number;
  /** Webhook events stored per order. Default 10. */
  eventsPerOrder?: number;
  /** The orders that fill one year (so `createdAt` of order i is known). Default `from + orders`. */
  span?: number;
}

/** When history starts; order i is created at START + i × yearMs / span. */
export const HISTORY_START = Date.parse("2025-10-01T00:00:00.000Z");
const YEAR_MS = 365 * 86_400_000;

/** What the benchmarks look up: the order id, email and last four of order i, as the fill wrote them. */
export const historyOrderId = (i: number) => `ord_hist${String(i).padStart(20, "0")}`;
export const historyEmail = (i: number) => `shopper${i % 400_000}@example.com`;
export const historyLast4 = (i: number) => String((i * 7_919) % 10_000).padStart(4, "0");
export const historyCreatedAt = (i: number, span: number) =>
  new Date(HISTORY_START + Math.floor((i * YEAR_MS) / span)).toISOString();

/** The SQL spellings that differ: a padded number, a letter from a number, a time from milliseconds. */
function spell(dialect: Dialect) {
  if (dialect === "sqlite")
    return {
      pad: (e: string, n: number) => `printf('%0${n}d', ${e})`,
      letter: (e: string) => `char(97 + (${e}))`,
      time: (ms: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${ms}) / 1000.0, 'unixepoch')`,
      series: (start: number, n: number) =>
        `WITH RECURSIVE s(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM s WHERE i < ${start + n - 1})`,
      div: (a: string, b: string) => `(${a}) / (${b})`,
    };
  return {
    pad: (e: string, n: number) => `lpad((${e})::text, ${n}, '0')`,
    letter: (e: string) => `chr((97 + (${e}))::int)`,
    time: (ms: string) =>
      `to_char(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    series: (start: number, n: number) =>
      `WITH s(i) AS (SELECT generate_series(${start}::bigint, ${start + n - 1}::bigint))`,
    div: (a: string, b: string) => `div(${a}, ${b})`,
  };
}

export async function addHistory(db: SqlClient, range: HistoryRange): Promise<void> {
  const { from, orders } = range;
  if (orders <= 0) return;
  const perOrder = range.eventsPerOrder ?? 10;
  const span = range.span ?? from + orders;
  const sql = spell(db.dialect);
  const { pad, series, div } = sql;
  const createdMs = (i: string) => `${HISTORY_START} + ${div(`${i} * ${YEAR_MS}`, String(span))}`;
  const created = (i: string) => sql.time(createdMs(i));
  const updated = (i: string) => sql.time(`${createdMs(i)} + 3600000`);
  const orderId = (i: string) => `'ord_hist' || ${pad(i, 20)}`;
  // Statuses by a scatter of i: 85% captured, then refunded, partially refunded, declined, voided, 0.1% held.
  const r = (i: string) => `((${i} * 7919) % 1000)`;
  const status = (i: string) =>
    `CASE WHEN ${r(i)} = 999 THEN 'needs_review' WHEN ${r(i)} >= 970 THEN 'voided' WHEN ${r(i)} >= 930 THEN 'declined'
      WHEN ${r(i)} >= 900 THEN 'partially_refunded' WHEN ${r(i)} >= 850 THEN 'refunded' ELSE 'captured' END`;
  const currency = (i: string) =>
    `CASE WHEN ${i} % 10 = 9 THEN 'USD' WHEN ${i} % 10 >= 7 THEN 'EUR' ELSE 'GBP' END`;
  // Event ids scattered over the index as Checkout.com's random ones are (six letters from a
  // multiplicative hash of the number, then the number, so they stay unique), not one sorted block.
  const hash = "((i * 2654435761) % 308915776)";
  const letters = Array.from({ length: 6 }, (_, k) => sql.letter(`${div(hash, String(26 ** k))} % 26`)).join(
    " || ",
  );
  await db.transaction(async (tx) => {
    if (perOrder > 0)
      await tx.execute(
        `INSERT INTO webhook_events (id, type, raw_body, headers_json, received_at, status, attempts, next_attempt_at, order_id, outcome, processed_at)
       ${series(from * perOrder, orders * perOrder)}, e(i, o, id) AS (SELECT i, ${div("i", String(perOrder))}, 'evt_' || ${letters} || ${pad("i", 20)} FROM s)
       SELECT id, 'payment_captured',
         '{"id":"' || id || '","type":"payment_captured","version":"1.0.29","created_on":"2026-10-01T10:00:00Z","data":{"id":"pay_hist' || ${pad("o", 22)} || '","action_id":"act_hist' || ${pad("i", 22)} || '","amount":6540,"currency":"GBP","reference":"ord_hist' || ${pad("o", 20)} || '"}}',
         '{"content-type":"application/json"}', ${updated("o")}, 'processed', 1, ${updated("o")}, ${orderId("o")}, 'applied', ${updated("o")}
       FROM e`,
      );
    await tx.execute(
      `INSERT INTO orders (id, cart_id, amount, currency, lines_json, status, risk_flagged, created_at, updated_at, customer_email, customer_name, billing_country)
       ${series(from, orders)}
       SELECT ${orderId("i")}, 'cart_hist' || ${pad("i", 20)}, 1450 * (1 + i % 5), ${currency("i")},
         '[{"sku":"mug","name":"Mug","quantity":1,"unitAmount":1450}]', ${status("i")}, CASE WHEN ${r("i")} = 999 THEN 1 ELSE 0 END,
         ${created("i")}, ${updated("i")}, 'shopper' || (i % 400000) || '@example.com', 'Shopper ' || (i % 400000), 'GB'
       FROM s`,
    );
    await tx.execute(
      `INSERT INTO payment_attempts (id, order_id, processor_token, idempotency_key, amount, currency, payment_id, status, card_last4, card_scheme, created_at, updated_at)
       ${series(from, orders)}
       SELECT 'att_hist' || ${pad("i", 20)}, ${orderId("i")}, 'tok_hist' || ${pad("i", 20)},
         'confirm:ord_hist' || ${pad("i", 20)}, 1450 * (1 + i % 5), ${currency("i")}, 'pay_hist' || ${pad("i", 22)},
         CASE WHEN ${r("i")} >= 930 AND ${r("i")} < 970 THEN 'declined' ELSE 'captured' END,
         ${pad("(i * 7919) % 10000", 4)}, 'Visa', ${created("i")}, ${updated("i")}
       FROM s`,
    );
    await tx.execute(
      `INSERT INTO order_events (order_id, at, kind, detail_json)
       ${series(from * 3, orders * 3)}
       SELECT ${orderId(div("i", "3"))}, ${updated(div("i", "3"))},
         CASE WHEN i % 3 = 0 THEN 'order_created' WHEN i % 3 = 1 THEN 'payment_requested' ELSE 'status_changed' END,
         '{"to":"captured"}' FROM s`,
    );
    await tx.execute(
      `INSERT INTO order_events (order_id, at, kind, detail_json)
       ${series(from, orders)}
       SELECT ${orderId("i")}, ${updated("i")}, 'dispute', '{"status":"evidence_required","amount":1450}'
       FROM s WHERE i % 500 = 7`,
    );
  });
  if (db.dialect === "sqlite") {
    // A shop that grew its history over months checkpointed along the way: the load that follows
    // should not pay for copying this one big write into the database file.
    // No ANALYZE: a shop on SQLite never runs one, so the plans must hold without statistics.
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  } else {
    // As autovacuum would have by now: statistics and the visibility map for index-only scans.
    await db.execute("VACUUM ANALYZE");
  }
}
