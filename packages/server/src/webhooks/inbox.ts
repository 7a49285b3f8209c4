import type { HandoffEvent } from "@handoff/contracts";
import { GroupCommitter } from "../db/group-commit.js";
import { lockClause, type Row, type SqlClient, type SqlExecutor } from "../db/sql-client.js";
import { appendToOutbox } from "../outbox/sql-outbox.js";
import { type InsertOutcome, insertEvents } from "./inbox-batch.js";

/**
 * `parked`: no payment or order of ours matches it yet, tried again later. `unmatched`: still none
 * after a bounded time and number of tries (a payment made elsewhere on a shared Checkout.com
 * account): kept and shown, no longer tried, replayable by an operator.
 */
export type InboxStatus =
  | "received"
  | "retrying"
  | "parked"
  | "unmatched"
  | "processed"
  | "ignored"
  | "invalid"
  | "failed";

/** Every status, in the order an operator filters by them. */
export const INBOX_STATUSES: readonly InboxStatus[] = [
  "received",
  "retrying",
  "parked",
  "unmatched",
  "processed",
  "ignored",
  "invalid",
  "failed",
];

export interface InboxEvent {
  id: string;
  type: string;
  rawBody: string;
  /** Selected headers only (content type, user agent, signature); never Authorization. */
  headers: Record<string, string>;
  receivedAt: string;
}

export interface StoredInboxEvent extends InboxEvent {
  status: InboxStatus;
  attempts: number;
  nextAttemptAt: string;
  orderId?: string | undefined;
  outcome?: string | undefined;
  processedAt?: string | undefined;
  /** The instance processing it now, while it is. */
  claimedBy?: string | undefined;
}

export interface RejectedRequest {
  at: string;
  method: string;
  reason: string;
  headerNames: string[];
  bodySha256: string;
  bodySize: number;
  rawBody?: string;
  /** Refused requests dropped by sampling just before this one. */
  suppressed?: number;
}

export interface RejectionRetention {
  /** Refused requests older than this are deleted. Default 7 days. */
  maxAgeMs?: number;
  /** At most this many are kept. Default 10,000. */
  maxRows?: number;
}

export interface InboxUpdate {
  status: InboxStatus;
  attempts: number;
  nextAttemptAt?: string;
  orderId?: string | undefined;
  outcome: string;
  processedAt?: string;
}

function toEvent(r: Row): StoredInboxEvent {
  return {
    id: String(r.id),
    type: String(r.type),
    rawBody: String(r.raw_body),
    headers: JSON.parse(String(r.headers_json)),
    receivedAt: String(r.received_at),
    status: String(r.status) as InboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: String(r.next_attempt_at),
    orderId: r.order_id === null ? undefined : String(r.order_id),
    outcome: r.outcome === null ? undefined : String(r.outcome),
    processedAt: r.processed_at === null ? undefined : String(r.processed_at),
    claimedBy: r.claimed_by === null || r.claimed_by === undefined ? undefined : String(r.claimed_by),
  };
}

/**
 * The webhook inbox: every verified event is stored here, durably, before it is acknowledged,
 * and processed from here afterwards. The `evt_` id is the key: a redelivery changes nothing.
 */
export class SqlWebhookInbox {
  private readonly writer: GroupCommitter<InboxEvent, InsertOutcome>;

  private rejectedSincePrune = 0;
  private readonly retention: Required<RejectionRetention>;

  constructor(
    private readonly db: SqlClient,
    retention: RejectionRetention = {},
  ) {
    this.writer = new GroupCommitter(db, insertEvents);
    this.retention = { maxAgeMs: 7 * 24 * 3_600_000, maxRows: 10_000, ...retention };
  }

  /** Resolves once the event is durable (or known already). */
  insert(event: InboxEvent): Promise<InsertOutcome> {
    return this.writer.submit(event);
  }

  async reject(r: RejectedRequest): Promise<void> {
    // Sampled (60 a minute by default): one statement each is plenty.
    await this.db.execute(
      `INSERT INTO rejected_requests (at, method, reason, header_names, body_sha256, body_size, raw_body, suppressed)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.at,
        r.method,
        r.reason,
        JSON.stringify(r.headerNames),
        r.bodySha256,
        r.bodySize,
        r.rawBody ?? null,
        r.suppressed ?? 0,
      ],
    );
    if (++this.rejectedSincePrune >= 200) {
      this.rejectedSincePrune = 0;
      await this.pruneRejected(new Date(Date.parse(r.at) - this.retention.maxAgeMs).toISOString());
    }
  }

  /** Retention for refused requests: by age, and by count so a flood cannot grow the table. */
  async pruneRejected(before: string): Promise<void> {
    await this.db.batch([
      { sql: "DELETE FROM rejected_requests WHERE at < ?", args: [before] },
      {
        sql: "DELETE FROM rejected_requests WHERE id <= (SELECT MAX(id) FROM rejected_requests) - ?",
        args: [this.retention.maxRows],
      },
    ]);
  }

  /**
   * Takes up to `limit` events that are due (new, retrying, or parked whose time has come), new
   * ones first and then oldest first, for `owner` until `until`: a backlog of parked events never
   * stands in front of fresh ones. Other instances pass over them meanwhile (rows locked by a
   * concurrent claim are skipped, not waited for). An owner that dies without finishing lets them
   * become due again when `until` passes.
   */
  async claim(owner: string, now: string, until: string, limit: number): Promise<StoredInboxEvent[]> {
    // Select then mark, in one transaction (no RETURNING: libsql leaves a failed one half-run).
    return this.db.transaction(async (tx) => {
      const due = await tx.execute(
        `SELECT * FROM webhook_events WHERE status IN ('received', 'retrying', 'parked') AND next_attempt_at <= ?
         ORDER BY CASE WHEN status = 'received' THEN 0 ELSE 1 END, next_attempt_at, received_at
         LIMIT ?${lockClause(tx.dialect, "skip_locked")}`,
        [now, limit],
      );
      const events = due.rows.map(toEvent);
      if (events.length === 0) return events;
      await tx.execute(
        `UPDATE webhook_events SET next_attempt_at = ?, claimed_by = ? WHERE id IN (${events.map(() => "?").join(", ")})`,
        [until, owner, ...events.map((e) => e.id)],
      );
      return events.map((e) => ({ ...e, nextAttemptAt: until, claimedBy: owner }));
    });
  }

  /**
   * Records what processing did, if `owner` still holds the event (its lease may have passed to
   * another). `forward`: the event for destinations that take Checkout.com's own, committed with it.
   */
  async update(id: string, u: InboxUpdate, owner: string, forward?: HandoffEvent): Promise<void> {
    if (forward) {
      await this.db.transaction(async (tx) => {
        await this.recordUpdate(tx, id, u, owner);
        await appendToOutbox(tx, forward, u.orderId);
      });
      return;
    }
    await this.recordUpdate(this.db, id, u, owner);
  }

  private async recordUpdate(db: SqlExecutor, id: string, u: InboxUpdate, owner: string): Promise<void> {
    await db.execute(
      `UPDATE webhook_events SET status = ?, attempts = ?, next_attempt_at = COALESCE(?, next_attempt_at),
       order_id = COALESCE(?, order_id), outcome = ?, processed_at = ?, claimed_by = NULL
       WHERE id = ? AND claimed_by = ?`,
      [
        u.status,
        u.attempts,
        u.nextAttemptAt ?? null,
        u.orderId ?? null,
        u.outcome,
        u.processedAt ?? null,
        id,
        owner,
      ],
    );
  }

  /** Shutting down: what `owner` claimed but did not process is due again now, for another instance. */
  async releaseClaims(owner: string, now: string): Promise<number> {
    const result = await this.db.execute(
      `UPDATE webhook_events SET next_attempt_at = ?, claimed_by = NULL
       WHERE claimed_by = ? AND status IN ('received', 'retrying', 'parked')`,
      [now, owner],
    );
    return result.rowsAffected;
  }

  async get(id: string): Promise<StoredInboxEvent | undefined> {
    const row = (await this.db.execute("SELECT * FROM webhook_events WHERE id = ?", [id])).rows[0];
    return row ? toEvent(row) : undefined;
  }

  /**
   * Newest first. `query` matches an event id, a type or an order id exactly; `before` is the cursor
   * (`receivedAt|id` of the last event of the previous page).
   */
  async list(filter: {
    status?: InboxStatus;
    orderId?: string;
    query?: string;
    before?: string;
    limit: number;
  }): Promise<StoredInboxEvent[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (filter.status) {
      where.push("status = ?");
      args.push(filter.status);
    }
    if (filter.orderId) {
      where.push("order_id = ?");
      args.push(filter.orderId);
    }
    const [at, id] = filter.before?.split("|") ?? [];
    if (at && id) {
      // A row-value comparison: the walk of webhook_events_by_received starts at the cursor.
      where.push("(received_at, id) < (?, ?)");
      args.push(at, id);
    }
    const newest = "ORDER BY received_at DESC, id DESC LIMIT ?";
    const page = (match?: string) => {
      const all = match ? [match, ...where] : where;
      return `SELECT * FROM webhook_events ${all.length ? `WHERE ${all.join(" AND ")}` : ""} ${newest}`;
    };
    if (!filter.query) {
      const result = await this.db.execute(page(), [...args, filter.limit]);
      return result.rows.map(toEvent);
    }
    // The newest page of each way of matching, each read from its own index (the key,
    // webhook_events_by_type, webhook_events_by_order) in order and cut at a page, then merged: a
    // common type costs one page, not every event of that type.
    const q = filter.query;
    const result = await this.db.execute(
      `SELECT * FROM (SELECT * FROM (${page("id = ?")}) m1 UNION SELECT * FROM (${page("type = ?")}) m2
        UNION SELECT * FROM (${page("order_id = ?")}) m3) m ${newest}`,
      [
        ...[q, ...args, filter.limit],
        ...[q, ...args, filter.limit],
        ...[q, ...args, filter.limit],
        filter.limit,
      ],
    );
    return result.rows.map(toEvent);
  }

  async count(): Promise<number> {
    return Number((await this.db.execute("SELECT COUNT(*) AS n FROM webhook_events")).rows[0]?.n ?? 0);
  }

  async rejected(limit: number): Promise<RejectedRequest[]> {
    const result = await this.db.execute("SELECT * FROM rejected_requests ORDER BY id DESC LIMIT ?", [limit]);
    return result.rows.map((r) => ({
      at: String(r.at),
      method: String(r.method),
      reason: String(r.reason),
      headerNames: JSON.parse(String(r.header_names)),
      bodySha256: String(r.body_sha256),
      bodySize: Number(r.body_size),
      ...(r.raw_body === null ? {} : { rawBody: String(r.raw_body) }),
      ...(Number(r.suppressed) > 0 ? { suppressed: Number(r.suppressed) } : {}),
    }));
  }

  /** Operator replay: process a stored event again, whatever happened to it before. */
  async requeue(id: string, now: string): Promise<boolean> {
    const result = await this.db.execute(
      "UPDATE webhook_events SET status = 'received', attempts = 0, next_attempt_at = ?, claimed_by = NULL, outcome = 'replay requested' WHERE id = ?",
      [now, id],
    );
    return result.rowsAffected === 1;
  }
}
