import type { HandoffEvent } from "@handoff/contracts";
import { lockClause, type Row, type SqlClient, type SqlExecutor, type SqlValue } from "../db/sql-client.js";
import { type Destination, wants } from "./destinations.js";
import { DestinationNetwork, DestinationRefusedError } from "./network.js";

/** One committed event waiting to be handed to destinations and hooks. */
export interface OutboxRecord {
  seq: number;
  orderId?: string | undefined;
  event: HandoffEvent;
}

export type DeliveryStatus = "pending" | "delivered" | "dead";

/** A delivery of one event to one destination, claimed for sending. */
export interface Delivery {
  eventId: string;
  destinationId: string;
  seq: number;
  attempts: number;
  status: DeliveryStatus;
  lastStatus?: number | undefined;
  lastError?: string | undefined;
  deliveredAt?: string | undefined;
  createdAt: string;
  event: HandoffEvent;
}

export interface DeliveryAttempt {
  eventId: string;
  destinationId: string;
  at: string;
  statusCode?: number | undefined;
  durationMs: number;
  responseExcerpt?: string | undefined;
  error?: string | undefined;
}

/** What one attempt came to, and what happens next. */
export interface DeliveryOutcome {
  attempt: DeliveryAttempt;
  /** delivered; pending again at `retryAt`; or dead (out of retries). */
  next: { status: "delivered" } | { status: "pending"; retryAt: string } | { status: "dead" };
  /** When a destination failing since before this should be paused, and why. */
  pauseIfFailingSince?: { before: string; reason: string };
}

const opt = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

function toDestination(r: Row): Destination {
  return {
    id: String(r.id),
    url: String(r.url),
    secrets: JSON.parse(String(r.secrets_json)),
    events: JSON.parse(String(r.events_json)),
    when: r.when_json ? JSON.parse(String(r.when_json)) : undefined,
    enabled: Number(r.enabled) === 1,
    pausedReason: opt(r.paused_reason),
    failingSince: opt(r.failing_since),
    source: String(r.source) as Destination["source"],
  };
}

function toDelivery(r: Row): Delivery {
  return {
    eventId: String(r.event_id),
    destinationId: String(r.destination_id),
    seq: Number(r.seq),
    attempts: Number(r.attempts),
    status: String(r.status) as DeliveryStatus,
    lastStatus: r.last_status === null || r.last_status === undefined ? undefined : Number(r.last_status),
    lastError: opt(r.last_error),
    deliveredAt: opt(r.delivered_at),
    createdAt: String(r.created_at),
    event: JSON.parse(String(r.payload_json)),
  };
}

/** Inside the caller's transaction: the event commits with the change, or not at all. A repeat of an id is a no-op. */
export async function appendToOutbox(tx: SqlExecutor, event: HandoffEvent, orderId?: string): Promise<void> {
  await tx.write(
    `INSERT INTO outbox (event_id, type, order_id, payload_json, occurred_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (event_id) DO NOTHING`,
    [event.id, event.type, orderId ?? null, JSON.stringify(event), event.timestamp],
  );
}

/** Rows per statement in `appendManyToOutbox`, then one at a time for the rest (a fixed set of statements). */
const APPEND_ROWS = 50;
const APPEND_MANY = `INSERT INTO outbox (event_id, type, order_id, payload_json, occurred_at) VALUES ${Array.from(
  { length: APPEND_ROWS },
  () => "(?, ?, ?, ?, ?)",
).join(", ")} ON CONFLICT (event_id) DO NOTHING`;

/**
 * `appendToOutbox` for many events at once, in their order, APPEND_ROWS to a statement: settlement
 * appends an `order.settled` for most orders of a report, a statement each would cost more than the rows.
 */
export async function appendManyToOutbox(
  tx: SqlExecutor,
  events: ReadonlyArray<{ event: HandoffEvent; orderId?: string | undefined }>,
): Promise<void> {
  let i = 0;
  for (; i + APPEND_ROWS <= events.length; i += APPEND_ROWS) {
    const values: SqlValue[] = [];
    for (const { event, orderId } of events.slice(i, i + APPEND_ROWS))
      values.push(event.id, event.type, orderId ?? null, JSON.stringify(event), event.timestamp);
    await tx.write(APPEND_MANY, values);
  }
  for (const { event, orderId } of events.slice(i)) await appendToOutbox(tx, event, orderId);
}

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * The outbox and its deliveries in SQL. Events are appended inside the transaction that causes
 * them; fan-out and delivery claim their rows with `SKIP LOCKED` and a lease, so several instances
 * share the work and each event reaches each destination in order per order.
 */
export class SqlOutbox {
  constructor(
    private readonly db: SqlClient,
    /** Where destinations may point: checked on every save (and by the worker on every connection). */
    readonly network: DestinationNetwork = new DestinationNetwork(),
  ) {}

  /**
   * Committed events not yet handed on, oldest first, at most one per order (an order's next event
   * waits until the one before it is handed on), held until `until`.
   */
  async claimWaiting(now: string, until: string, limit: number): Promise<OutboxRecord[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.execute(
        `SELECT o.id, o.order_id, o.payload_json FROM outbox o
         WHERE o.fanned_out = 0 AND (o.claimed_until IS NULL OR o.claimed_until <= ?)
         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.fanned_out = 0 AND p.order_id = o.order_id AND p.id < o.id)
         ORDER BY o.id LIMIT ?${lockClause(tx.dialect, "skip_locked", "o")}`,
        [now, limit],
      );
      if (rows.rows.length === 0) return [];
      const ids = rows.rows.map((r) => Number(r.id));
      await tx.execute(`UPDATE outbox SET claimed_until = ? WHERE id IN (${marks(ids.length)})`, [
        until,
        ...ids,
      ]);
      return rows.rows.map((r) => ({
        seq: Number(r.id),
        orderId: opt(r.order_id),
        event: JSON.parse(String(r.payload_json)) as HandoffEvent,
      }));
    });
  }

  /** Creates the deliveries the event calls for and marks it handed on, together. */
  async fanOut(record: OutboxRecord, destinations: Destination[], now: string): Promise<void> {
    const targets = destinations.filter((d) => wants(d, record.event));
    await this.db.transaction(async (tx) => {
      for (const d of targets) await this.upsertDelivery(tx, record, d.id, now);
      await tx.execute("UPDATE outbox SET fanned_out = 1, claimed_until = NULL WHERE id = ?", [record.seq]);
    });
  }

  private async upsertDelivery(tx: SqlExecutor, record: OutboxRecord, destinationId: string, now: string) {
    await tx.execute(
      `INSERT INTO deliveries (event_id, destination_id, seq, order_key, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
       ON CONFLICT (event_id, destination_id) DO UPDATE SET status = 'pending', attempts = 0,
       next_attempt_at = excluded.next_attempt_at, claimed_by = NULL`,
      [record.event.id, destinationId, record.seq, record.orderId ?? record.event.id, now, now],
    );
  }

  /**
   * Deliveries due now to enabled destinations, each the oldest still pending of its order for its
   * destination, held for `owner` until `until` (a dead owner's lapse, and another instance sends).
   * `room` says how many more each destination's lane takes now: a destination with none is not
   * even looked at, so a slow one's backlog never stands in front of the others'.
   */
  async claimDeliveries(
    owner: string,
    now: string,
    until: string,
    limit: number,
    room: (destinationId: string) => number = () => limit,
    full: readonly string[] = [],
  ): Promise<Delivery[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.execute(
        `SELECT d.*, o.payload_json FROM deliveries d
         JOIN destinations t ON t.id = d.destination_id
         JOIN outbox o ON o.event_id = d.event_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND t.enabled = 1
         ${full.length ? `AND d.destination_id NOT IN (${marks(full.length)})` : ""}
         AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.destination_id = d.destination_id
           AND e.order_key = d.order_key AND e.seq < d.seq AND e.status = 'pending')
         ORDER BY d.next_attempt_at, d.seq LIMIT ?${lockClause(tx.dialect, "skip_locked", "d")}`,
        [now, ...full, limit],
      );
      const taken = new Map<string, number>();
      const claimed = rows.rows.map(toDelivery).filter((d) => {
        const n = taken.get(d.destinationId) ?? 0;
        if (n >= room(d.destinationId)) return false;
        taken.set(d.destinationId, n + 1);
        return true;
      });
      for (const d of claimed) {
        await tx.execute(
          "UPDATE deliveries SET next_attempt_at = ?, claimed_by = ? WHERE event_id = ? AND destination_id = ?",
          [until, owner, d.eventId, d.destinationId],
        );
      }
      return claimed;
    });
  }

  /** While these deliveries are under way they stay `owner`'s: no other instance sends them meanwhile. */
  async renewClaims(
    owner: string,
    until: string,
    deliveries: ReadonlyArray<Pick<Delivery, "eventId" | "destinationId">>,
  ): Promise<void> {
    if (deliveries.length === 0) return;
    const which = deliveries.map(() => "(event_id = ? AND destination_id = ?)").join(" OR ");
    await this.db.execute(
      `UPDATE deliveries SET next_attempt_at = ? WHERE claimed_by = ? AND status = 'pending' AND (${which})`,
      [until, owner, ...deliveries.flatMap((d) => [d.eventId, d.destinationId])],
    );
  }

  /** Records an attempt and its consequence for the delivery and the destination, together. */
  async record(delivery: Delivery, outcome: DeliveryOutcome, owner: string): Promise<void> {
    const a = outcome.attempt;
    await this.db.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO delivery_attempts (event_id, destination_id, at, status_code, duration_ms, response_excerpt, error)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          a.eventId,
          a.destinationId,
          a.at,
          a.statusCode ?? null,
          a.durationMs,
          a.responseExcerpt ?? null,
          a.error ?? null,
        ],
      );
      const next = outcome.next;
      await tx.execute(
        `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, claimed_by = NULL,
         last_status = ?, last_error = ?, delivered_at = ? WHERE event_id = ? AND destination_id = ? AND claimed_by = ?`,
        [
          next.status,
          next.status === "pending" ? next.retryAt : a.at,
          a.statusCode ?? null,
          a.error ?? null,
          next.status === "delivered" ? a.at : null,
          a.eventId,
          a.destinationId,
          owner,
        ],
      );
      if (next.status === "delivered") {
        await tx.execute("UPDATE destinations SET failing_since = NULL WHERE id = ?", [a.destinationId]);
        return;
      }
      await tx.execute("UPDATE destinations SET failing_since = ? WHERE id = ? AND failing_since IS NULL", [
        a.at,
        a.destinationId,
      ]);
      const pause = outcome.pauseIfFailingSince;
      if (pause) {
        await tx.execute(
          `UPDATE destinations SET enabled = 0, paused_reason = ?, updated_at = ?
           WHERE id = ? AND enabled = 1 AND failing_since < ?`,
          [pause.reason, a.at, a.destinationId, pause.before],
        );
      }
    });
  }

  /** Shutting down: what `owner` claimed but did not send is due again now. */
  async releaseClaims(owner: string, now: string): Promise<void> {
    await this.db.execute(
      "UPDATE deliveries SET next_attempt_at = ?, claimed_by = NULL WHERE claimed_by = ? AND status = 'pending'",
      [now, owner],
    );
  }

  // Destinations

  /** Makes the stored destinations from the file match it; those added from the ops dashboard stay. */
  async syncFileDestinations(list: Destination[], now: string): Promise<void> {
    for (const d of list) await this.checkAddress(d);
    await this.db.transaction(async (tx) => {
      for (const d of list) {
        await tx.execute(
          `INSERT INTO destinations (id, url, secrets_json, events_json, when_json, enabled, source, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET url = excluded.url, secrets_json = excluded.secrets_json,
           events_json = excluded.events_json, when_json = excluded.when_json, source = 'file', updated_at = excluded.updated_at`,
          destinationRow(d, "file", now),
        );
      }
      const keep = list.map((d) => d.id);
      await tx.execute(
        `DELETE FROM destinations WHERE source = 'file'${keep.length ? ` AND id NOT IN (${marks(keep.length)})` : ""}`,
        keep,
      );
    });
  }

  /**
   * Adds or replaces a destination from the ops dashboard or API. Its address must be one the
   * network allows (the public internet, or what HANDOFF_DESTINATIONS_ALLOW adds): otherwise
   * `DestinationRefusedError` (code `DESTINATION_NOT_ALLOWED`, status 400) and nothing is saved.
   */
  async saveDestination(d: Destination, now: string): Promise<void> {
    await this.checkAddress(d);
    await this.db.execute(
      `INSERT INTO destinations (id, url, secrets_json, events_json, when_json, enabled, source, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, secrets_json = excluded.secrets_json,
       events_json = excluded.events_json, when_json = excluded.when_json, enabled = excluded.enabled,
       paused_reason = NULL, updated_at = excluded.updated_at`,
      destinationRow(d, d.source, now),
    );
  }

  /** Refuses a destination whose address the network does not allow, naming it. */
  async checkAddress(d: Pick<Destination, "id" | "url">): Promise<void> {
    try {
      await this.network.check(d.url);
    } catch (error) {
      if (error instanceof DestinationRefusedError)
        throw new DestinationRefusedError(`Destination "${d.id}": ${error.message}`);
      throw error;
    }
  }

  async deleteDestination(id: string): Promise<boolean> {
    return (await this.db.execute("DELETE FROM destinations WHERE id = ?", [id])).rowsAffected === 1;
  }

  /** Pauses (with the reason shown to operators) or resumes; a resumed destination starts afresh. */
  async setEnabled(id: string, enabled: boolean, reason: string | undefined, now: string): Promise<boolean> {
    const result = await this.db.execute(
      `UPDATE destinations SET enabled = ?, paused_reason = ?, failing_since = CASE WHEN ? = 1 THEN NULL ELSE failing_since END,
       updated_at = ? WHERE id = ?`,
      [enabled ? 1 : 0, enabled ? null : (reason ?? "paused by an operator"), enabled ? 1 : 0, now, id],
    );
    return result.rowsAffected === 1;
  }

  async destinations(): Promise<Destination[]> {
    return (await this.db.execute("SELECT * FROM destinations ORDER BY id")).rows.map(toDestination);
  }

  async destination(id: string): Promise<Destination | undefined> {
    const row = (await this.db.execute("SELECT * FROM destinations WHERE id = ?", [id])).rows[0];
    return row ? toDestination(row) : undefined;
  }

  /** Per destination: deliveries waiting, dead, delivered. */
  async counts(): Promise<Map<string, Record<DeliveryStatus, number>>> {
    const rows = (
      await this.db.execute(
        "SELECT destination_id, status, COUNT(*) AS n FROM deliveries GROUP BY destination_id, status",
      )
    ).rows;
    const counts = new Map<string, Record<DeliveryStatus, number>>();
    for (const r of rows) {
      const c = counts.get(String(r.destination_id)) ?? { pending: 0, delivered: 0, dead: 0 };
      c[String(r.status) as DeliveryStatus] = Number(r.n);
      counts.set(String(r.destination_id), c);
    }
    return counts;
  }

  // Logs, dead letters, replay

  async attempts(destinationId: string, limit: number): Promise<DeliveryAttempt[]> {
    const rows = (
      await this.db.execute(
        "SELECT * FROM delivery_attempts WHERE destination_id = ? ORDER BY id DESC LIMIT ?",
        [destinationId, limit],
      )
    ).rows;
    return rows.map((r) => ({
      eventId: String(r.event_id),
      destinationId: String(r.destination_id),
      at: String(r.at),
      statusCode: r.status_code === null ? undefined : Number(r.status_code),
      durationMs: Number(r.duration_ms),
      responseExcerpt: opt(r.response_excerpt),
      error: opt(r.error),
    }));
  }

  async deliveries(filter: {
    destinationId?: string;
    status?: DeliveryStatus;
    eventId?: string;
    limit: number;
  }): Promise<Delivery[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    for (const [column, value] of [
      ["d.destination_id", filter.destinationId],
      ["d.status", filter.status],
      ["d.event_id", filter.eventId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const rows = await this.db.execute(
      `SELECT d.*, o.payload_json FROM deliveries d JOIN outbox o ON o.event_id = d.event_id
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY d.seq DESC LIMIT ?`,
      [...args, filter.limit],
    );
    return rows.rows.map(toDelivery);
  }

  async stored(eventId: string): Promise<OutboxRecord | undefined> {
    const row = (
      await this.db.execute("SELECT id, order_id, payload_json FROM outbox WHERE event_id = ?", [eventId])
    ).rows[0];
    return row
      ? { seq: Number(row.id), orderId: opt(row.order_id), event: JSON.parse(String(row.payload_json)) }
      : undefined;
  }

  /**
   * Sends one stored event to a destination again (same webhook-id), whatever happened before, if
   * the destination takes it (its `events` filter and conditions, as for new events).
   * `no_event`: no such event; `not_taken`: no such destination, or it does not take this event.
   */
  async replayOne(
    destinationId: string,
    eventId: string,
    now: string,
  ): Promise<"queued" | "no_event" | "not_taken"> {
    const record = await this.stored(eventId);
    if (!record) return "no_event";
    const destination = await this.destination(destinationId);
    if (!destination || !wants(destination, record.event)) return "not_taken";
    await this.db.transaction((tx) => this.upsertDelivery(tx, record, destinationId, now));
    return "queued";
  }

  /** `replayOne`, true when queued: false for no such event, or one the destination does not take. */
  async redeliver(destinationId: string, eventId: string, now: string): Promise<boolean> {
    return (await this.replayOne(destinationId, eventId, now)) === "queued";
  }

  /** Sends every stored event in [from, to) that the destination takes, again. Returns how many. */
  async replayRange(destination: Destination, from: string, to: string, now: string): Promise<number> {
    const rows = (
      await this.db.execute(
        "SELECT id, order_id, payload_json FROM outbox WHERE occurred_at >= ? AND occurred_at < ? ORDER BY id",
        [from, to],
      )
    ).rows;
    const records = rows
      .map((r) => ({
        seq: Number(r.id),
        orderId: opt(r.order_id),
        event: JSON.parse(String(r.payload_json)) as HandoffEvent,
      }))
      .filter((r) => wants(destination, r.event));
    await this.db.transaction(async (tx) => {
      for (const r of records) await this.upsertDelivery(tx, r, destination.id, now);
    });
    return records.length;
  }

  /** The events of an order, oldest first (the ops timeline). */
  async eventsOfOrder(orderId: string): Promise<HandoffEvent[]> {
    const rows = await this.db.execute("SELECT payload_json FROM outbox WHERE order_id = ? ORDER BY id", [
      orderId,
    ]);
    return rows.rows.map((r) => JSON.parse(String(r.payload_json)));
  }
}

/** A destination's columns, in the order both upserts list them. */
function destinationRow(d: Destination, source: string, now: string) {
  return [
    d.id,
    d.url,
    JSON.stringify(d.secrets),
    JSON.stringify(d.events),
    d.when ? JSON.stringify(d.when) : null,
    d.enabled ? 1 : 0,
    source,
    now,
    now,
  ];
}
