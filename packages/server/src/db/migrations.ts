/**
 * Schema, in SQL that SQLite and PostgreSQL both accept. Amounts are BIGINT minor units; times
 * are ISO-8601 text. Append new migrations; never edit one that has shipped.
 */
export const MIGRATIONS: string[][] = [
  [
    `CREATE TABLE products (
      sku TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      unit_amount BIGINT NOT NULL CHECK (unit_amount >= 0),
      currency TEXT NOT NULL,
      -- Stock can never go negative: a reservation that would is refused as a whole.
      stock BIGINT NOT NULL CHECK (stock >= 0)
    )`,
    `CREATE TABLE carts (
      id TEXT PRIMARY KEY,
      currency TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    `CREATE TABLE cart_lines (
      cart_id TEXT NOT NULL REFERENCES carts(id),
      sku TEXT NOT NULL REFERENCES products(sku),
      quantity BIGINT NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (cart_id, sku)
    )`,
    `CREATE TABLE orders (
      id TEXT PRIMARY KEY,
      cart_id TEXT NOT NULL UNIQUE,
      amount BIGINT NOT NULL,
      currency TEXT NOT NULL,
      lines_json TEXT NOT NULL,
      status TEXT NOT NULL,
      risk_flagged INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    "CREATE INDEX orders_status ON orders (status, updated_at)",
    `CREATE TABLE payment_attempts (
      id TEXT PRIMARY KEY,
      order_id TEXT NOT NULL REFERENCES orders(id),
      processor_token TEXT NOT NULL UNIQUE,
      idempotency_key TEXT NOT NULL,
      payment_id TEXT UNIQUE,
      status TEXT NOT NULL,
      response_code TEXT,
      risk_flagged INTEGER NOT NULL DEFAULT 0,
      redirect_url TEXT,
      result_json TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    // One attempt at a time per order: a charge in flight, or one whose outcome we do not know yet.
    `CREATE UNIQUE INDEX one_open_attempt_per_order ON payment_attempts (order_id)
      WHERE status IN ('processing', 'unknown')`,
    "CREATE INDEX attempts_by_order ON payment_attempts (order_id, created_at)",
    `CREATE TABLE stock_reservations (
      order_id TEXT NOT NULL REFERENCES orders(id),
      sku TEXT NOT NULL REFERENCES products(sku),
      quantity BIGINT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('reserved', 'committed', 'released')),
      PRIMARY KEY (order_id, sku)
    )`,
    `CREATE TABLE order_events (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      order_id TEXT NOT NULL,
      at TEXT NOT NULL,
      kind TEXT NOT NULL,
      detail_json TEXT NOT NULL
    )`,
    "CREATE INDEX order_events_by_order ON order_events (order_id, id)",
  ],
  [
    `CREATE TABLE webhook_events (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      raw_body TEXT NOT NULL,
      headers_json TEXT NOT NULL,
      received_at TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      order_id TEXT,
      outcome TEXT,
      processed_at TEXT
    )`,
    "CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at)",
    "CREATE INDEX webhook_events_by_order ON webhook_events (order_id, received_at)",
    `CREATE TABLE rejected_requests (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at TEXT NOT NULL,
      method TEXT NOT NULL,
      reason TEXT NOT NULL,
      header_names TEXT NOT NULL,
      body_sha256 TEXT NOT NULL,
      body_size INTEGER NOT NULL,
      -- Only for bodies that were signed but could not be read: authentic, so worth keeping.
      raw_body TEXT
    )`,
    "CREATE INDEX rejected_requests_at ON rejected_requests (at)",
  ],
  [
    // The shopper left 3-D Secure and paid another way; an operator released a risk review.
    "ALTER TABLE payment_attempts ADD COLUMN abandoned_at TEXT",
    "ALTER TABLE payment_attempts ADD COLUMN review_released_at TEXT",
  ],
  [
    // How many refused webhook requests sampling dropped just before this one.
    "ALTER TABLE rejected_requests ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0",
  ],
  [
    // What Checkout.com's risk engine and Flow want on the session and the payment.
    "ALTER TABLE orders ADD COLUMN customer_email TEXT",
    "ALTER TABLE orders ADD COLUMN customer_name TEXT",
    "ALTER TABLE orders ADD COLUMN billing_country TEXT",
  ],
  [
    // Several instances share the work: who holds an inbox event, and until when the sweep holds an attempt.
    "ALTER TABLE webhook_events ADD COLUMN claimed_by TEXT",
    "CREATE INDEX webhook_events_claimed ON webhook_events (claimed_by) WHERE claimed_by IS NOT NULL",
    "ALTER TABLE payment_attempts ADD COLUMN swept_until TEXT",
    "CREATE INDEX attempts_by_status ON payment_attempts (status, updated_at)",
  ],
  [
    // The outbox: every order event, written with the change that causes it, then delivered.
    `CREATE TABLE outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      order_id TEXT,
      payload_json TEXT NOT NULL,
      occurred_at TEXT NOT NULL,
      fanned_out INTEGER NOT NULL DEFAULT 0,
      claimed_until TEXT
    )`,
    "CREATE INDEX outbox_waiting ON outbox (id) WHERE fanned_out = 0",
    "CREATE INDEX outbox_by_order ON outbox (order_id, id)",
    "CREATE INDEX outbox_by_time ON outbox (occurred_at)",
    `CREATE TABLE destinations (
      id TEXT PRIMARY KEY,
      url TEXT NOT NULL,
      secrets_json TEXT NOT NULL,
      events_json TEXT NOT NULL,
      when_json TEXT,
      enabled INTEGER NOT NULL DEFAULT 1,
      paused_reason TEXT,
      failing_since TEXT,
      source TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE TABLE deliveries (
      event_id TEXT NOT NULL,
      destination_id TEXT NOT NULL,
      seq BIGINT NOT NULL,
      order_key TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      claimed_by TEXT,
      last_status INTEGER,
      last_error TEXT,
      delivered_at TEXT,
      created_at TEXT NOT NULL,
      PRIMARY KEY (event_id, destination_id)
    )`,
    "CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'",
    "CREATE INDEX deliveries_in_order ON deliveries (destination_id, order_key, seq)",
    "CREATE INDEX deliveries_dead ON deliveries (destination_id, created_at) WHERE status = 'dead'",
    `CREATE TABLE delivery_attempts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL,
      destination_id TEXT NOT NULL,
      at TEXT NOT NULL,
      status_code INTEGER,
      duration_ms INTEGER NOT NULL,
      response_excerpt TEXT,
      error TEXT
    )`,
    "CREATE INDEX delivery_attempts_by_destination ON delivery_attempts (destination_id, id)",
  ],
  [
    // The card an attempt was charged to, for operators to search by; signed-in operators' sessions.
    "ALTER TABLE payment_attempts ADD COLUMN card_last4 TEXT",
    "ALTER TABLE payment_attempts ADD COLUMN card_scheme TEXT",
    "CREATE INDEX attempts_by_card ON payment_attempts (card_last4)",
    "CREATE INDEX orders_by_email ON orders (customer_email)",
    `CREATE TABLE ops_sessions (
      id_hash TEXT PRIMARY KEY,
      operator TEXT NOT NULL,
      csrf TEXT NOT NULL,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    )`,
  ],
  [
    // An event is stored before anything knows its order: indexing the NULL of every new one cost each
    // acknowledgement an index write nobody reads. Lookups by order (order_id = ?) use this one.
    "DROP INDEX webhook_events_by_order",
    "CREATE INDEX webhook_events_by_order ON webhook_events (order_id, received_at) WHERE order_id IS NOT NULL",
  ],
  [
    // What each attempt charges, fixed when it opens: settling compares the payment with it, and an
    // order repriced since no longer counts it as its own. Older attempts take their order's price.
    "ALTER TABLE payment_attempts ADD COLUMN amount BIGINT",
    "ALTER TABLE payment_attempts ADD COLUMN currency TEXT",
    `UPDATE payment_attempts SET
       amount = (SELECT o.amount FROM orders o WHERE o.id = payment_attempts.order_id),
       currency = (SELECT o.currency FROM orders o WHERE o.id = payment_attempts.order_id)`,
    // Each refund once, by Checkout.com's action id: the order.refunded events add up to what went back.
    `CREATE TABLE refunds (
      action_key TEXT PRIMARY KEY,
      order_id TEXT NOT NULL REFERENCES orders(id),
      payment_id TEXT NOT NULL,
      amount BIGINT NOT NULL CHECK (amount >= 0),
      recorded_at TEXT NOT NULL
    )`,
    "CREATE INDEX refunds_by_payment ON refunds (payment_id)",
  ],
  [
    // Rate limits every instance shares (confirms per shopper, failed ops sign-ins per address): hits
    // per subject in short buckets, summed over the window. Rows older than the window are deleted.
    `CREATE TABLE rate_limit_hits (
      scope TEXT NOT NULL,
      subject TEXT NOT NULL,
      bucket_start BIGINT NOT NULL,
      hits BIGINT NOT NULL,
      PRIMARY KEY (scope, subject, bucket_start)
    )`,
    "CREATE INDEX rate_limit_hits_by_bucket ON rate_limit_hits (scope, bucket_start)",
  ],
  [
    // The ops console's customer view and search find an email in any case; its totals add each
    // order's refunds.
    "CREATE INDEX orders_by_email_any_case ON orders (LOWER(customer_email))",
    "CREATE INDEX refunds_by_order ON refunds (order_id)",
  ],
  [
    // Settlement (what Checkout.com paid out, matched to orders). Amounts are BIGINT in 10⁻⁸ major
    // units (signed decimals as Checkout.com reports them, up to 8 places): exact, summed as integers.
    // One row per breakdown entry of a financial action, once: by action, breakdown type, fee detail and payout.
    `CREATE TABLE settlement_lines (
      row_key TEXT PRIMARY KEY,
      action_id TEXT NOT NULL,
      action_type TEXT NOT NULL,
      payment_id TEXT NOT NULL,
      reference TEXT NOT NULL,
      breakdown_type TEXT NOT NULL,
      fee_detail TEXT NOT NULL,
      is_gross INTEGER NOT NULL,
      processed_on TEXT NOT NULL,
      processing_currency TEXT NOT NULL,
      processing_amount BIGINT NOT NULL,
      holding_currency TEXT NOT NULL,
      holding_amount BIGINT NOT NULL,
      transaction_currency TEXT NOT NULL,
      transaction_amount BIGINT NOT NULL,
      payout_id TEXT NOT NULL,
      report_id TEXT,
      order_id TEXT,
      ingested_at TEXT NOT NULL
    )`,
    "CREATE INDEX settlement_lines_by_order ON settlement_lines (order_id)",
    "CREATE INDEX settlement_lines_by_payout ON settlement_lines (payout_id, order_id)",
    "CREATE INDEX settlement_lines_by_action ON settlement_lines (action_id, breakdown_type, fee_detail)",
    "CREATE INDEX settlement_orphans ON settlement_lines (ingested_at) WHERE order_id IS NULL",
    // Each order's settlement as last computed from its lines; `announced`: the payout order.settled named.
    `CREATE TABLE settlement_orders (
      order_id TEXT PRIMARY KEY,
      status TEXT NOT NULL CHECK (status IN ('expected', 'settled', 'partially_settled', 'mismatch')),
      currency TEXT NOT NULL,
      gross BIGINT NOT NULL,
      fees BIGINT NOT NULL,
      net BIGINT NOT NULL,
      payout_id TEXT NOT NULL,
      problems_json TEXT NOT NULL,
      converted INTEGER NOT NULL,
      charged_back INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    "CREATE INDEX settlement_orders_by_status ON settlement_orders (status, updated_at)",
    // Each payout's totals, from its lines once its report is in; `amount`: what Checkout.com says it paid, when told.
    `CREATE TABLE settlement_payouts (
      payout_id TEXT PRIMARY KEY,
      currency TEXT NOT NULL,
      payout_date TEXT,
      report_id TEXT,
      amount BIGINT,
      gross BIGINT NOT NULL,
      fees BIGINT NOT NULL,
      net BIGINT NOT NULL,
      line_count BIGINT NOT NULL,
      order_count BIGINT NOT NULL,
      exceptions BIGINT NOT NULL,
      reconciled_at TEXT NOT NULL
    )`,
    // Reports announced by report_generated (or found by listing), fetched by the settlement loop.
    `CREATE TABLE settlement_reports (
      report_id TEXT PRIMARY KEY,
      event_id TEXT,
      payout_id TEXT,
      status TEXT NOT NULL CHECK (status IN ('announced', 'ingested', 'failed')),
      files_done TEXT NOT NULL,
      lines BIGINT NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at TEXT NOT NULL,
      claimed_until TEXT,
      last_error TEXT,
      announced_at TEXT NOT NULL,
      ingested_at TEXT
    )`,
    "CREATE INDEX settlement_reports_due ON settlement_reports (next_attempt_at) WHERE status = 'announced'",
    // Per captured payment: when to ask GET /financial-actions next, until its fees are final.
    `CREATE TABLE settlement_pulls (
      payment_id TEXT PRIMARY KEY,
      order_id TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_pull_at TEXT NOT NULL,
      done INTEGER NOT NULL,
      claimed_until TEXT,
      last_error TEXT
    )`,
    "CREATE INDEX settlement_pulls_due ON settlement_pulls (next_pull_at) WHERE done = 0",
  ],
  [
    // The ops console on a year of orders (test/bench/ops.scale.ts): each list walks an index in the
    // order it shows, newest first, and stops after a page, instead of sorting every order or event.
    "CREATE INDEX orders_by_created ON orders (created_at, id)",
    "CREATE INDEX orders_by_status_created ON orders (status, created_at, id)",
    "CREATE INDEX orders_by_currency_created ON orders (currency, created_at, id)",
    // Search compares emails case-blind, served by orders_by_email_any_case; the plain index served nothing.
    "DROP INDEX orders_by_email",
    "CREATE INDEX order_events_disputes ON order_events (order_id) WHERE kind = 'dispute'",
    "CREATE INDEX webhook_events_by_received ON webhook_events (received_at, id)",
    "CREATE INDEX webhook_events_by_type ON webhook_events (type, received_at, id)",
  ],
  [
    // Which wallet paid (Apple Pay, Google Pay), as Checkout.com's payment says: none for the card form.
    "ALTER TABLE payment_attempts ADD COLUMN card_wallet TEXT",
  ],
  [
    // The last Checkout.com payment session of each order, reused while the cart and the shopper's
    // details are unchanged: a reload or a flood of session requests opens no new one.
    `CREATE TABLE payment_sessions (
      order_id TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      session_json TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
  ],
  [
    // Settlement's fallback for a lost report_generated: where its listing of GET /reports has got to.
    // One row per kind of listing; `cursor`: every report created before it has been listed. A window
    // in hand (`window_after`, `window_before`, `page_token`) is resumed after an error or a restart.
    // Held by `claimed_by` until `claimed_until`, so one instance lists at a time.
    `CREATE TABLE settlement_polls (
      name TEXT PRIMARY KEY,
      cursor TEXT,
      window_after TEXT,
      window_before TEXT,
      page_token TEXT,
      attempts INTEGER NOT NULL,
      next_poll_at TEXT NOT NULL,
      claimed_by TEXT,
      claimed_until TEXT,
      last_error TEXT,
      polled_at TEXT
    )`,
  ],
  [
    // Support staff type the start of an email ("ann@", "ann.lee"): search takes it as a range on the
    // lower-cased email, which needs the index in byte order (see emailKey); exact matches use it too.
    "DROP INDEX orders_by_email_any_case",
    "CREATE INDEX orders_by_email_bytes ON orders (LOWER(customer_email) COLLATE BINARY)",
  ],
  [
    // Settlement lines without row_key: the key was stored three times (in the row, in its own
    // index, and again as the columns it joins in settlement_lines_by_action), a third of what a
    // line took to write. A line is now once per action, breakdown type, fee detail and payout by a
    // unique index on those columns, which also serves the lookups by action; `id` orders pages.
    // Rebuilt as a new table: neither engine drops a primary key in place.
    "ALTER TABLE settlement_lines RENAME TO settlement_lines_keyed",
    "DROP INDEX settlement_lines_by_order",
    "DROP INDEX settlement_lines_by_payout",
    "DROP INDEX settlement_lines_by_action",
    "DROP INDEX settlement_orphans",
    `CREATE TABLE settlement_lines (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      action_id TEXT NOT NULL,
      action_type TEXT NOT NULL,
      payment_id TEXT NOT NULL,
      reference TEXT NOT NULL,
      breakdown_type TEXT NOT NULL,
      fee_detail TEXT NOT NULL,
      is_gross INTEGER NOT NULL,
      processed_on TEXT NOT NULL,
      processing_currency TEXT NOT NULL,
      processing_amount BIGINT NOT NULL,
      holding_currency TEXT NOT NULL,
      holding_amount BIGINT NOT NULL,
      transaction_currency TEXT NOT NULL,
      transaction_amount BIGINT NOT NULL,
      payout_id TEXT NOT NULL,
      report_id TEXT,
      order_id TEXT,
      ingested_at TEXT NOT NULL
    )`,
    `INSERT INTO settlement_lines (action_id, action_type, payment_id, reference, breakdown_type, fee_detail,
       is_gross, processed_on, processing_currency, processing_amount, holding_currency, holding_amount,
       transaction_currency, transaction_amount, payout_id, report_id, order_id, ingested_at)
     SELECT action_id, action_type, payment_id, reference, breakdown_type, fee_detail, is_gross, processed_on,
       processing_currency, processing_amount, holding_currency, holding_amount, transaction_currency,
       transaction_amount, payout_id, report_id, order_id, ingested_at
     FROM settlement_lines_keyed ORDER BY ingested_at, row_key`,
    "DROP TABLE settlement_lines_keyed",
    "CREATE UNIQUE INDEX settlement_lines_once ON settlement_lines (action_id, breakdown_type, fee_detail, payout_id)",
    "CREATE INDEX settlement_lines_by_order ON settlement_lines (order_id)",
    "CREATE INDEX settlement_lines_by_payout ON settlement_lines (payout_id, order_id)",
    "CREATE INDEX settlement_orphans ON settlement_lines (ingested_at) WHERE order_id IS NULL",
  ],
  [
    // A payout's totals (and its orders' page) read only this index, not each of its lines from the
    // table: once per report, that was a million rows fetched one by one.
    "DROP INDEX settlement_lines_by_payout",
    `CREATE INDEX settlement_lines_by_payout
      ON settlement_lines (payout_id, order_id, holding_currency, is_gross, holding_amount)`,
  ],
  [
    // The settlement exceptions at a million lines: the fee-only queue grouped every line, the
    // unsettled queue walked every captured order, the notable one every settled order, each to find
    // none on a healthy shop. All are now read from settlement_orders under an index. `fee_only`: a
    // payout carries only fees of the order, set when its settlement is computed. And every captured
    // order has a row (`expected` until a line comes), written by the settlement loop's pass; its
    // settlement_polls row 'captured' keeps in `cursor` the time before which every captured order
    // has one.
    "ALTER TABLE settlement_orders ADD COLUMN fee_only INTEGER NOT NULL DEFAULT 0",
    `UPDATE settlement_orders SET fee_only = 1 WHERE order_id IN (
       SELECT order_id FROM settlement_lines WHERE payout_id <> '' AND order_id IS NOT NULL
       GROUP BY order_id, payout_id, holding_currency HAVING MAX(is_gross) = 0)`,
    "CREATE INDEX settlement_orders_fee_only ON settlement_orders (order_id) WHERE fee_only = 1",
    // The notable ones (paid out converted, or charged back), newest first, without reading the rest.
    `CREATE INDEX settlement_orders_notable ON settlement_orders (updated_at, order_id)
      WHERE (converted = 1 OR charged_back = 1) AND status <> 'mismatch'`,
  ],
];
