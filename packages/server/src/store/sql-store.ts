import type { OrderStatus } from "@handoff/contracts";
import { ConstraintError, type Row, type SqlClient, type SqlStatement } from "../db/sql-client.js";
import type { Attempt, AttemptStatus, Order, TimelineEntry } from "../orders/model.js";
import type { AttemptPatch, OrderStore, TimelineEvent } from "./port.js";

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
    paymentId: str(r.payment_id),
    status: String(r.status) as AttemptStatus,
    responseCode: str(r.response_code),
    riskFlagged: Number(r.risk_flagged) === 1,
    redirectUrl: str(r.redirect_url),
    result: r.result_json ? JSON.parse(String(r.result_json)) : undefined,
    abandonedAt: str(r.abandoned_at),
    reviewReleasedAt: str(r.review_released_at),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

/** The order store in portable SQL (SQLite today, PostgreSQL with another SqlClient). */
export class SqlOrderStore implements OrderStore {
  constructor(
    private readonly db: SqlClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private eventStatement(orderId: string, event: TimelineEvent, at: string): SqlStatement {
    return {
      sql: "INSERT INTO order_events (order_id, at, kind, detail_json) VALUES (?, ?, ?, ?)",
      args: [orderId, at, event.kind, JSON.stringify(event.detail)],
    };
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
      this.eventStatement(
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

  async updateOrderDraft(
    id: string,
    draft: Pick<Order, "amount" | "currency" | "lines" | "customer" | "billing">,
  ): Promise<void> {
    const at = this.now().toISOString();
    await this.db.batch([
      {
        sql: `UPDATE orders SET amount = ?, currency = ?, lines_json = ?, customer_email = ?, customer_name = ?,
              billing_country = ?, updated_at = ? WHERE id = ?`,
        args: [
          draft.amount,
          draft.currency,
          JSON.stringify(draft.lines),
          draft.customer?.email ?? null,
          draft.customer?.name ?? null,
          draft.billing?.country ?? null,
          at,
          id,
        ],
      },
      this.eventStatement(
        id,
        { kind: "order_repriced", detail: { amount: draft.amount, currency: draft.currency } },
        at,
      ),
    ]);
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

  async openAttempt(
    a: Attempt,
    events: TimelineEvent[],
    also: SqlStatement[] = [],
  ): Promise<"opened" | "order_busy" | "token_taken" | "out_of_stock"> {
    try {
      await this.db.batch([
        {
          sql: `INSERT INTO payment_attempts (id, order_id, processor_token, idempotency_key, status, risk_flagged, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 0, ?, ?)`,
          args: [a.id, a.orderId, a.processorToken, a.idempotencyKey, a.status, a.createdAt, a.updatedAt],
        },
        ...also,
        ...events.map((event) => this.eventStatement(a.orderId, event, a.createdAt)),
      ]);
      return "opened";
    } catch (error) {
      if (!(error instanceof ConstraintError)) throw error;
      if (error.kind === "check") return "out_of_stock";
      if (error.kind === "unique")
        return /processor_token/.test(error.message) ? "token_taken" : "order_busy";
      throw error;
    }
  }

  async updateAttempt(
    attempt: Attempt,
    patch: AttemptPatch,
    order: { status: OrderStatus; riskFlagged?: boolean } | undefined,
    events: TimelineEvent[],
    also: SqlStatement[] = [],
  ): Promise<Attempt> {
    const at = this.now().toISOString();
    const next: Attempt = { ...attempt, ...patch, updatedAt: at };
    const statements: SqlStatement[] = [
      {
        sql: `UPDATE payment_attempts SET status = ?, payment_id = ?, response_code = ?, risk_flagged = ?,
              redirect_url = ?, result_json = ?, abandoned_at = ?, review_released_at = ?, updated_at = ? WHERE id = ?`,
        args: [
          next.status,
          next.paymentId ?? null,
          next.responseCode ?? null,
          next.riskFlagged ? 1 : 0,
          next.redirectUrl ?? null,
          next.result ? JSON.stringify(next.result) : null,
          next.abandonedAt ?? null,
          next.reviewReleasedAt ?? null,
          at,
          next.id,
        ],
      },
    ];
    if (order) {
      statements.push({
        sql: "UPDATE orders SET status = ?, risk_flagged = CASE WHEN ? = 1 THEN 1 ELSE risk_flagged END, updated_at = ? WHERE id = ?",
        args: [order.status, order.riskFlagged ? 1 : 0, at, attempt.orderId],
      });
    }
    statements.push(...also);
    for (const event of events) statements.push(this.eventStatement(attempt.orderId, event, at));
    await this.db.batch(statements);
    return next;
  }

  private async oneAttempt(where: string, value: string): Promise<Attempt | undefined> {
    const row = (await this.db.execute(`SELECT * FROM payment_attempts WHERE ${where} = ?`, [value])).rows[0];
    return row ? toAttempt(row) : undefined;
  }

  attemptById(id: string) {
    return this.oneAttempt("id", id);
  }

  attemptByToken(token: string) {
    return this.oneAttempt("processor_token", token);
  }

  attemptByPaymentId(paymentId: string) {
    return this.oneAttempt("payment_id", paymentId);
  }

  async attemptsOfOrder(orderId: string): Promise<Attempt[]> {
    const result = await this.db.execute(
      "SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY created_at, id",
      [orderId],
    );
    return result.rows.map(toAttempt);
  }

  async staleAttempts(statuses: AttemptStatus[], olderThan: string): Promise<Attempt[]> {
    const marks = statuses.map(() => "?").join(", ");
    const result = await this.db.execute(
      `SELECT * FROM payment_attempts WHERE status IN (${marks}) AND updated_at < ? ORDER BY updated_at`,
      [...statuses, olderThan],
    );
    return result.rows.map(toAttempt);
  }

  async appendEvent(orderId: string, event: TimelineEvent): Promise<void> {
    const statement = this.eventStatement(orderId, event, this.now().toISOString());
    await this.db.execute(statement.sql, statement.args);
  }

  async timeline(orderId: string): Promise<TimelineEntry[]> {
    const result = await this.db.execute("SELECT * FROM order_events WHERE order_id = ? ORDER BY id", [
      orderId,
    ]);
    return result.rows.map((r) => ({
      id: Number(r.id),
      orderId: String(r.order_id),
      at: String(r.at),
      kind: String(r.kind),
      detail: JSON.parse(String(r.detail_json)),
    }));
  }
}
