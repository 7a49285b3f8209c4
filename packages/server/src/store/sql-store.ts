import type { HandoffEvent, OrderStatus } from "@handoff/contracts";
import {
  ConstraintError,
  EMAIL_PREFIX_END,
  emailKey,
  handleFor,
  lockClause,
  type Row,
  type SqlClient,
  type SqlExecutor,
  type SqlStatement,
  type SqlValue,
  type TransactionHandle,
} from "../db/sql-client.js";
import type { OrderChange } from "../orders/events.js";
import type { Attempt, AttemptStatus, Order, TimelineEntry } from "../orders/model.js";
import { orderEvent } from "../outbox/events.js";
import { appendToOutbox } from "../outbox/sql-outbox.js";
import {
  type AttemptPatch,
  ORDER_COUNT_LIMIT,
  type OrderSearch,
  type OrderSearchPage,
  type OrderStore,
  type OrderTransaction,
  type RefundRecord,
  type StaleClaim,
  type TimelineEvent,
} from "./port.js";

const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

function toOrder(r: Row): Order {
  return {
    id: String(r.id),
    cartId: String(r.cart_id),
    amount: Number(r.amount),
    currency: String(r.currency),
    lines: JSON.parse(String(r.lines_json)),
    status: String(r.status) as OrderStatus,
    riskFlagged: Number(r.risk_flagged) === 1,
    ...(r.customer_email
      ? {
          customer: {
            email: String(r.customer_email),
            ...(r.customer_name ? { name: String(r.customer_name) } : {}),
          },
        }
      : {}),
    ...(r.billing_country ? { billing: { country: String(r.billing_country) } } : {}),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

function toAttempt(r: Row): Attempt {
  return {
    id: String(r.id),
    orderId: String(r.order_id),
    processorToken: String(r.processor_token),
    idempotencyKey: String(r.idempotency_key),
    amount: Number(r.amount),
    currency: String(r.currency),
    paymentId: str(r.payment_id),
    status: String(r.status) as AttemptStatus,
    responseCode: str(r.response_code),
    riskFlagged: Number(r.risk_flagged) === 1,
    redirectUrl: str(r.redirect_url),
    result: r.result_json ? JSON.parse(String(r.result_json)) : undefined,
    abandonedAt: str(r.abandoned_at),
    reviewReleasedAt: str(r.review_released_at),
    cardLast4: str(r.card_last4),
    cardScheme: str(r.card_scheme),
    cardWallet: str(r.card_wallet),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

function eventStatement(orderId: string, event: TimelineEvent, at: string): SqlStatement {
  return {
    sql: "INSERT INTO order_events (order_id, at, kind, detail_json) VALUES (?, ?, ?, ?)",
    args: [orderId, at, event.kind, JSON.stringify(event.detail)],
  };
}

async function oneAttempt(db: SqlExecutor, where: string, value: string): Promise<Attempt | undefined> {
  const row = (await db.execute(`SELECT * FROM payment_attempts WHERE ${where} = ?`, [value])).rows[0];
  return row ? toAttempt(row) : undefined;
}

async function attemptsOfOrder(db: SqlExecutor, orderId: string): Promise<Attempt[]> {
  const result = await db.execute(
    "SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY created_at, id",
    [orderId],
  );
  return result.rows.map(toAttempt);
}

/** One open transaction: what a use case writes in it commits together. */
class SqlOrderTransaction implements OrderTransaction {
  readonly handle: TransactionHandle;
  /**
   * The order row as `lockOrder` read it: locked, nothing else can change it before this transaction
   * ends, so reading it again is a round trip saved until this transaction writes it itself.
   */
  private locked: Row | undefined;
  /**
   * The order's attempts as `lockOrder` read them, once it held the lock. Every writer of an attempt
   * holds its order's lock, so they stand until this transaction writes one itself.
   */
  private lockedAttempts: { orderId: string; attempts: Attempt[] } | undefined;

  constructor(
    private readonly sql: SqlExecutor,
    private readonly now: () => Date,
    db: SqlClient,
  ) {
    this.handle = handleFor(sql, db);
  }

  /**
   * Locks the order and reads it and its attempts, which every caller decides on next. Both
   * statements leave together (one round trip on PostgreSQL, which pipelines them); the server
   * runs the read after the lock is held, on a snapshot taken then.
   */
  async lockOrder(orderId: string): Promise<void> {
    this.locked = undefined;
    this.lockedAttempts = undefined;
    const [{ rows }, attempts] = await Promise.all([
      this.sql.execute(`SELECT * FROM orders WHERE id = ?${lockClause(this.sql.dialect, "update")}`, [
        orderId,
      ]),
      attemptsOfOrder(this.sql, orderId),
    ]);
    this.locked = rows[0];
    this.lockedAttempts = { orderId, attempts };
  }

  attemptById(id: string) {
    return oneAttempt(this.sql, "id", id);
  }

  async attemptsOfOrder(orderId: string): Promise<Attempt[]> {
    if (this.lockedAttempts?.orderId === orderId) return [...this.lockedAttempts.attempts];
    return attemptsOfOrder(this.sql, orderId);
  }

  async insertAttempt(a: Attempt): Promise<"opened" | "order_busy" | "token_taken"> {
    this.lockedAttempts = undefined;
    try {
      await this.sql.execute(
        `INSERT INTO payment_attempts (id, order_id, processor_token, idempotency_key, amount, currency, status,
         risk_flagged, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        [
          a.id,
          a.orderId,
          a.processorToken,
          a.idempotencyKey,
          a.amount,
          a.currency,
          a.status,
          a.createdAt,
          a.updatedAt,
        ],
      );
      return "opened";
    } catch (error) {
      if (!(error instanceof ConstraintError && error.kind === "unique")) throw error;
      // PostgreSQL has aborted the transaction by now: the caller returns, and it rolls back.
      return /processor_token/.test(error.message) ? "token_taken" : "order_busy";
    }
  }

  async updateAttempt(
    attempt: Attempt,
    patch: AttemptPatch,
    order: { status: OrderStatus; riskFlagged?: boolean } | undefined,
  ): Promise<Attempt> {
    const at = this.now().toISOString();
    this.lockedAttempts = undefined;
    const next: Attempt = { ...attempt, ...patch, updatedAt: at };
    const setAttempt = `UPDATE payment_attempts SET status = ?, payment_id = ?, response_code = ?, risk_flagged = ?,
       redirect_url = ?, result_json = ?, abandoned_at = ?, review_released_at = ?, card_last4 = ?, card_scheme = ?,
       card_wallet = ?, updated_at = ? WHERE id = ?`;
    const attemptArgs = [
      next.status,
      next.paymentId ?? null,
      next.responseCode ?? null,
      next.riskFlagged ? 1 : 0,
      next.redirectUrl ?? null,
      next.result ? JSON.stringify(next.result) : null,
      next.abandonedAt ?? null,
      next.reviewReleasedAt ?? null,
      next.cardLast4 ?? null,
      next.cardScheme ?? null,
      next.cardWallet ?? null,
      at,
      next.id,
    ];
    // Writes nothing here reads back: on PostgreSQL they leave with the transaction's next statement.
    await this.sql.write(setAttempt, attemptArgs);
    if (order) {
      this.locked = undefined;
      await this.sql.write(
        "UPDATE orders SET status = ?, risk_flagged = CASE WHEN ? = 1 THEN 1 ELSE risk_flagged END, updated_at = ? WHERE id = ?",
        [order.status, order.riskFlagged ? 1 : 0, at, attempt.orderId],
      );
    }
    return next;
  }

  async updateOrderDraft(
    id: string,
    draft: Pick<Order, "amount" | "currency" | "lines" | "customer" | "billing">,
  ): Promise<void> {
    const at = this.now().toISOString();
    this.locked = undefined;
    await this.sql.execute(
      `UPDATE orders SET amount = ?, currency = ?, lines_json = ?, customer_email = ?, customer_name = ?,
       billing_country = ?, updated_at = ? WHERE id = ?`,
      [
        draft.amount,
        draft.currency,
        JSON.stringify(draft.lines),
        draft.customer?.email ?? null,
        draft.customer?.name ?? null,
        draft.billing?.country ?? null,
        at,
        id,
      ],
    );
    await this.appendEvents(id, [
      { kind: "order_repriced", detail: { amount: draft.amount, currency: draft.currency } },
    ]);
  }

  async recordRefund(r: RefundRecord): Promise<{ recorded: boolean; total: number }> {
    const inserted = await this.sql.execute(
      `INSERT INTO refunds (action_key, order_id, payment_id, amount, recorded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (action_key) DO NOTHING`,
      [r.key, r.orderId, r.paymentId, r.amount, this.now().toISOString()],
    );
    const sum = await this.sql.execute(
      "SELECT COALESCE(SUM(amount), 0) AS total FROM refunds WHERE payment_id = ?",
      [r.paymentId],
    );
    return { recorded: inserted.rowsAffected > 0, total: Number(sum.rows[0]?.total ?? 0) };
  }

  async orderById(id: string): Promise<Order | undefined> {
    if (this.locked && String(this.locked.id) === id) return toOrder(this.locked);
    const row = (await this.sql.execute("SELECT * FROM orders WHERE id = ?", [id])).rows[0];
    return row ? toOrder(row) : undefined;
  }

  appendOutbox(event: HandoffEvent, orderId?: string): Promise<void> {
    return appendToOutbox(this.sql, event, orderId);
  }

  async appendOrderChanges(changes: OrderChange[]): Promise<void> {
    for (const c of changes) {
      await appendToOutbox(
        this.sql,
        orderEvent(c.type, c.order, c.attempt, c.status, c.at, c.refund),
        c.order.id,
      );
    }
  }

  async appendEvents(orderId: string, events: TimelineEvent[]): Promise<void> {
    if (events.length === 0) return;
    const at = this.now().toISOString();
    // One statement for all of them (one round trip on PostgreSQL); rows are numbered in this order.
    const rows = events.map((event) => eventStatement(orderId, event, at));
    await this.sql.write(
      `INSERT INTO order_events (order_id, at, kind, detail_json) VALUES ${rows.map(() => "(?, ?, ?, ?)").join(", ")}`,
      rows.flatMap((r) => r.args ?? []),
    );
  }
}

/** The order store in portable SQL: SQLite or PostgreSQL, whichever `SqlClient` it is given. */
export class SqlOrderStore implements OrderStore {
  constructor(
    private readonly db: SqlClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  transaction<T>(work: (tx: OrderTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction((sql) => work(new SqlOrderTransaction(sql, this.now, this.db)));
  }

  async createOrder(o: Order): Promise<void> {
    await this.db.batch([
      {
        sql: `INSERT INTO orders (id, cart_id, amount, currency, lines_json, status, risk_flagged, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          o.id,
          o.cartId,
          o.amount,
          o.currency,
          JSON.stringify(o.lines),
          o.status,
          o.riskFlagged ? 1 : 0,
          o.createdAt,
          o.updatedAt,
        ],
      },
      eventStatement(
        o.id,
        { kind: "order_created", detail: { amount: o.amount, currency: o.currency } },
        o.createdAt,
      ),
    ]);
  }

  async getOrder(id: string): Promise<Order | undefined> {
    const row = (await this.db.execute("SELECT * FROM orders WHERE id = ?", [id])).rows[0];
    return row ? toOrder(row) : undefined;
  }

  async findOrderByCart(cartId: string): Promise<Order | undefined> {
    const row = (await this.db.execute("SELECT * FROM orders WHERE cart_id = ?", [cartId])).rows[0];
    return row ? toOrder(row) : undefined;
  }

  async listOrders(filter: { status?: OrderStatus; limit: number }): Promise<Order[]> {
    const where = filter.status ? "WHERE status = ?" : "";
    const args = filter.status ? [filter.status, filter.limit] : [filter.limit];
    const result = await this.db.execute(
      `SELECT * FROM orders ${where} ORDER BY updated_at DESC LIMIT ?`,
      args,
    );
    return result.rows.map(toOrder);
  }

  async searchOrders(f: OrderSearch): Promise<OrderSearchPage> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    const add = (clause: string, ...values: SqlValue[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (f.status) add("o.status = ?", f.status);
    if (f.currency) add("o.currency = ?", f.currency);
    if (f.from) add("o.created_at >= ?", f.from);
    if (f.to) add("o.created_at < ?", f.to);
    if (f.review !== undefined) add(f.review ? "o.status = 'needs_review'" : "o.status <> 'needs_review'");
    // Each way of matching is its own indexed lookup (order_events_disputes, orders_by_email_any_case,
    // the attempts' unique keys, attempts_by_card): an OR across tables would read every order.
    if (f.disputed !== undefined)
      add(`o.id ${f.disputed ? "" : "NOT "}IN (SELECT order_id FROM order_events WHERE kind = 'dispute')`);
    if (f.email) add(`${emailKey(this.db.dialect, "o.customer_email")} = LOWER(?)`, f.email);
    if (f.abandoned)
      add(
        `${f.abandoned.mode === "exclude" ? "NOT " : ""}(o.status = 'pending' AND o.updated_at < ?
         AND NOT EXISTS (SELECT 1 FROM payment_attempts a WHERE a.order_id = o.id))`,
        f.abandoned.before,
      );
    const q = f.query?.trim();
    if (q) {
      // An email is found by its beginning ("ann@", "ann.lee@exa"), any case: a range on the
      // byte-ordered index, so never a scan. Three characters at least, so "a" does not list every
      // order; a domain alone ("@example.com") is not searched, as no index finds an address by its end.
      const email = emailKey(this.db.dialect);
      const prefix = q.length >= 3;
      add(
        `o.id IN (SELECT id FROM orders WHERE id = ? UNION SELECT id FROM orders WHERE cart_id = ?
          UNION SELECT id FROM orders WHERE ${prefix ? `${email} >= LOWER(?) AND ${email} < LOWER(?)` : `${email} = LOWER(?)`}
          UNION SELECT order_id FROM payment_attempts WHERE payment_id = ?
          UNION SELECT order_id FROM payment_attempts WHERE processor_token = ?
          UNION SELECT order_id FROM payment_attempts WHERE card_last4 = ?)`,
        q,
        q,
        ...(prefix ? [q, `${q}${EMAIL_PREFIX_END}`] : [q]),
        q,
        q,
        q,
      );
    }
    const filtered = where.length ? `WHERE ${where.join(" AND ")}` : "";
    // Counted up to a limit: an exact count of a year of orders reads every row on each page view.
    const countUpTo = f.countUpTo ?? ORDER_COUNT_LIMIT;
    const counted = f.uncounted
      ? -1
      : Number(
          (
            await this.db.execute(
              `SELECT COUNT(*) AS n FROM (SELECT 1 FROM orders o ${filtered} LIMIT ?) matches`,
              [...args, countUpTo + 1],
            )
          ).rows[0]?.n ?? 0,
        );
    const totalCapped = counted > countUpTo;
    // Newest first by (created_at, id); the cursor is the last row of the page before.
    const cursor = f.before ? f.before.split("|") : undefined;
    const page = cursor
      ? `${filtered ? `${filtered} AND` : "WHERE"} (o.created_at, o.id) < (?, ?)`
      : filtered;
    // A row-value comparison, so both engines start the index walk at the cursor (page 100 reads a page, not 100).
    const rows = await this.db.execute(
      `SELECT o.* FROM orders o ${page} ORDER BY o.created_at DESC, o.id DESC LIMIT ?`,
      [...args, ...(cursor ? [cursor[0] ?? "", cursor[1] ?? ""] : []), f.limit + 1],
    );
    const orders = rows.rows.slice(0, f.limit).map(toOrder);
    const last = orders.at(-1);
    return {
      orders,
      total: totalCapped ? countUpTo : counted,
      ...(totalCapped ? { totalCapped } : {}),
      ...(rows.rows.length > f.limit && last ? { next: `${last.createdAt}|${last.id}` } : {}),
    };
  }

  attemptById(id: string) {
    return oneAttempt(this.db, "id", id);
  }

  attemptByToken(token: string) {
    return oneAttempt(this.db, "processor_token", token);
  }

  attemptByPaymentId(paymentId: string) {
    return oneAttempt(this.db, "payment_id", paymentId);
  }

  attemptsOfOrder(orderId: string) {
    return attemptsOfOrder(this.db, orderId);
  }

  async staleAttempts(statuses: AttemptStatus[], olderThan: string, limit = 200): Promise<Attempt[]> {
    const marks = statuses.map(() => "?").join(", ");
    const result = await this.db.execute(
      `SELECT * FROM payment_attempts WHERE status IN (${marks}) AND updated_at < ? ORDER BY updated_at LIMIT ?`,
      [...statuses, olderThan, limit],
    );
    return result.rows.map(toAttempt);
  }

  async claimStaleAttempts(claim: StaleClaim): Promise<Attempt[]> {
    const marks = claim.statuses.map(() => "?").join(", ");
    return this.db.transaction(async (tx) => {
      const stale = await tx.execute(
        `SELECT * FROM payment_attempts WHERE status IN (${marks}) AND updated_at < ?
         AND (swept_until IS NULL OR swept_until <= ?)${claim.abandoned ? " AND abandoned_at IS NOT NULL" : ""}
         ORDER BY updated_at LIMIT ?${lockClause(tx.dialect, "skip_locked")}`,
        [...claim.statuses, claim.olderThan, claim.now, claim.limit],
      );
      const attempts = stale.rows.map(toAttempt);
      if (attempts.length > 0) {
        await tx.execute(
          `UPDATE payment_attempts SET swept_until = ? WHERE id IN (${attempts.map(() => "?").join(", ")})`,
          [claim.until, ...attempts.map((a) => a.id)],
        );
      }
      return attempts;
    });
  }

  async releaseStaleClaims(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await this.db.execute(
        `UPDATE payment_attempts SET swept_until = NULL WHERE id IN (${chunk.map(() => "?").join(", ")})`,
        chunk,
      );
    }
  }

  async appendEvent(orderId: string, event: TimelineEvent): Promise<void> {
    const statement = eventStatement(orderId, event, this.now().toISOString());
    await this.db.execute(statement.sql, statement.args);
  }

  async timeline(orderId: string): Promise<TimelineEntry[]> {
    const { rows } = await this.db.execute("SELECT * FROM order_events WHERE order_id = ? ORDER BY id", [
      orderId,
    ]);
    return rows.map((r) => ({
      id: Number(r.id),
      orderId: String(r.order_id),
      at: String(r.at),
      kind: String(r.kind),
      detail: JSON.parse(String(r.detail_json)),
    }));
  }
}
