import type { BatchObservableCallback, Observable } from "@opentelemetry/api";
import type { SqlClient } from "../db/sql-client.js";
import type { Logger } from "../logger.js";
import { METRICS, meter } from "./metrics.js";

export interface BacklogGaugeOptions {
  /** The database the inbox and the outbox live in. */
  db: Pick<SqlClient, "execute" | "dialect">;
  /** The counts are read at most this often; collections in between report the last ones. Default 5 s. */
  refreshMs?: number;
  /** How long a collection waits for a refresh before reporting the last counts. Default 1 s. */
  waitMs?: number;
  /** Told (at debug) when a count could not be read. */
  logger?: Logger;
}

/** The three counts, each one statement on an indexed condition (a test checks SQLite's plans). */
export function backlogQueries(dialect: SqlClient["dialect"]) {
  return {
    /** Webhook events not processed yet: stored, retrying after a failure, or parked (their attempt not there yet). */
    inbox: `SELECT status, COUNT(*) AS n FROM webhook_events
      WHERE status IN ('received', 'retrying', 'parked') GROUP BY status`,
    /** Committed events not yet handed to the destinations that want them. */
    fanOut: "SELECT COUNT(*) AS n FROM outbox WHERE fanned_out = 0",
    /**
     * Deliveries still to make, per destination (paused destinations' included), through the
     * partial index of pending ones: SQLite would rather walk the index of every delivery ever
     * made to spare the grouping a sort, so it is told which.
     */
    deliveries: `SELECT destination_id, COUNT(*) AS n
      FROM deliveries${dialect === "sqlite" ? " INDEXED BY deliveries_due" : ""}
      WHERE status = 'pending' GROUP BY destination_id`,
  };
}

interface Counts {
  inbox: Map<string, number>;
  fanOut: number;
  deliveries: Map<string, number>;
}

/**
 * Observable gauges `handoff.inbox.backlog` (by `status`) and `handoff.outbox.backlog` (by `stage`:
 * `fan_out`, or `delivery` with its `destination`), read from the database on the meter registered
 * now: register your SDK's MeterProvider first. Each read is one COUNT on an indexed condition, done
 * at most every `refreshMs` however often the SDK collects; the callback never throws (a failed read
 * reports the last counts). Returns a function that unregisters them.
 */
export function registerBacklogGauges(options: BacklogGaugeOptions): () => void {
  const refreshMs = options.refreshMs ?? 5000;
  const waitMs = options.waitMs ?? 1000;
  const m = meter();
  const inbox = m.createObservableGauge(METRICS.inboxBacklog, {
    description: "Webhook events received and not processed yet, by status (received, retrying, parked).",
    unit: "{event}",
  });
  const outbox = m.createObservableGauge(METRICS.outboxBacklog, {
    description:
      "Order events not delivered yet: stage fan_out (not handed on), or stage delivery per destination.",
    unit: "{event}",
  });
  let counts: Counts | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  // Destinations seen with a backlog report 0 once it is gone, rather than their last count.
  const destinations = new Set<string>();

  const queries = backlogQueries(options.db.dialect);

  const read = async (): Promise<void> => {
    try {
      const waiting = await options.db.execute(queries.inbox);
      const pending = await options.db.execute(queries.deliveries);
      const events = await options.db.execute(queries.fanOut);
      const inboxCounts = new Map<string, number>([
        ["received", 0],
        ["retrying", 0],
        ["parked", 0],
      ]);
      for (const r of waiting.rows) inboxCounts.set(String(r.status), Number(r.n));
      const deliveries = new Map<string, number>();
      for (const id of destinations) deliveries.set(id, 0);
      for (const r of pending.rows) {
        destinations.add(String(r.destination_id));
        deliveries.set(String(r.destination_id), Number(r.n));
      }
      counts = { inbox: inboxCounts, fanOut: Number(events.rows[0]?.n ?? 0), deliveries };
    } catch (error) {
      options.logger?.debug?.({ err: String(error) }, "backlog gauges: counts not read");
    } finally {
      readAt = Date.now();
      reading = undefined;
    }
  };

  const callback: BatchObservableCallback = async (result) => {
    try {
      if (!reading && Date.now() - readAt >= refreshMs) reading = read();
      if (reading) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([reading, new Promise<void>((done) => (timer = setTimeout(done, waitMs)))]);
        clearTimeout(timer);
      }
      if (!counts) return;
      for (const [status, n] of counts.inbox) result.observe(inbox, n, { status });
      result.observe(outbox, counts.fanOut, { stage: "fan_out" });
      for (const [destination, n] of counts.deliveries)
        result.observe(outbox, n, { stage: "delivery", destination });
    } catch {
      // Never into the SDK's collection: no counts this time.
    }
  };
  const observables: Observable[] = [inbox, outbox];
  m.addBatchObservableCallback(callback, observables);
  return () => m.removeBatchObservableCallback(callback, observables);
}
