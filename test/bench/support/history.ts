import type { SqlClient } from "@handoff/server";

/**
 * Stored history for the scale benchmark, written straight in SQL (a recursive series), so a
 * million rows take seconds: processed webhook events shaped like Checkout.com's, and paid orders
 * with their attempt and timeline of three entries, ten webhook events for each order. Orders are
 * numbered from `from`, so calls add to what is there.
 */
export async function addHistory(db: SqlClient, range: { from: number; orders: number }): Promise<void> {
  const { from, orders } = range;
  const series = (start: number, n: number) =>
    `WITH RECURSIVE s(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM s WHERE i < ${start + n - 1})`;
  const at = "'2026-10-01T10:00:00.000Z'";
  // Event ids scattered over the index as Checkout.com's random ones are (six letters from a
  // multiplicative hash of the number, then the number, so they stay unique), not one sorted block.
  const hash = "((i * 2654435761) % 308915776)";
  const letters = Array.from({ length: 6 }, (_, k) => `char(97 + ${hash} / ${26 ** k} % 26)`).join(" || ");
  await db.transaction(async (tx) => {
    await tx.execute(
      `INSERT INTO webhook_events (id, type, raw_body, headers_json, received_at, status, attempts, next_attempt_at, order_id, outcome, processed_at)
       ${series(from * 10, orders * 10)}, e(i, id) AS (SELECT i, 'evt_' || ${letters} || printf('%020d', i) FROM s)
       SELECT id, 'payment_captured',
         '{"id":"' || id || '","type":"payment_captured","version":"1.0.29","created_on":"2026-10-01T10:00:00Z","data":{"id":"pay_hist' || printf('%022d', i) || '","action_id":"act_hist' || printf('%022d', i) || '","amount":6540,"currency":"GBP","reference":"ord_hist' || printf('%020d', i / 10) || '"}}',
         '{"content-type":"application/json"}', ${at}, 'processed', 1, ${at}, 'ord_hist' || printf('%020d', i / 10), 'applied', ${at}
       FROM e`,
    );
    await tx.execute(
      `INSERT INTO orders (id, cart_id, amount, currency, lines_json, status, risk_flagged, created_at, updated_at)
       ${series(from, orders)}
       SELECT 'ord_hist' || printf('%020d', i), 'cart_hist' || printf('%020d', i), 1450, 'GBP',
         '[{"sku":"mug","name":"Mug","quantity":1,"unitAmount":1450}]', 'captured', 0, ${at}, ${at}
       FROM s`,
    );
    await tx.execute(
      `INSERT INTO payment_attempts (id, order_id, processor_token, idempotency_key, amount, currency, payment_id, status, created_at, updated_at)
       ${series(from, orders)}
       SELECT 'att_hist' || printf('%020d', i), 'ord_hist' || printf('%020d', i), 'tok_hist' || printf('%020d', i),
         'confirm:ord_hist' || printf('%020d', i), 1450, 'GBP', 'pay_hist' || printf('%020d', i), 'captured', ${at}, ${at}
       FROM s`,
    );
    await tx.execute(
      `INSERT INTO order_events (order_id, at, kind, detail_json)
       ${series(from * 3, orders * 3)}
       SELECT 'ord_hist' || printf('%020d', i / 3), ${at}, 'status_changed', '{"to":"captured"}' FROM s`,
    );
  });
  // A shop that grew its history over months checkpointed along the way: the load that follows should
  // not pay for copying this one big write into the database file.
  await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
}
