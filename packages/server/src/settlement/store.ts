import { ORDER_STATUSES } from "@handoff/contracts";
import type { Row, SqlClient, SqlExecutor, SqlValue, TransactionOptions } from "../db/sql-client.js";
import { payoutReconciledEvent } from "../outbox/events.js";
import { appendToOutbox } from "../outbox/sql-outbox.js";
import { formatDecimal } from "./decimal.js";
import type { SettlementLine } from "./lines.js";
import { big } from "./sql.js";
import { type FeeItem, itemisedFees, type SettlementStatus } from "./status.js";
import { READ_LINE, refreshOrders, type StoredLine, storedLineOf, storeLines } from "./store-lines.js";

export type { StoredLine };

/**
 * How long a transaction may take between stamping an order and committing it: a pass over the
 * orders changed since a time sees those committed late if it looks this far back.
 */
export const LATE_COMMIT_MS = 5 * 60_000;

/** What a report's reader writes inside `SqlSettlementStore.writing`'s transaction. */
export interface SettlementWriter {
  ingest(
    lines: readonly SettlementLine[],
    reportId?: string,
  ): Promise<{ orders: string[]; announced: boolean }>;
  recordPayoutAmount(payout: {
    payoutId: string;
    currency: string;
    amount: bigint;
    date?: string | undefined;
  }): Promise<void>;
}

/** One order's settlement as stored (amounts scaled, see decimal.ts). */
export interface StoredOrderSettlement {
  orderId: string;
  status: Exclude<SettlementStatus, "orphan">;
  currency: string;
  gross: bigint;
  fees: bigint;
  net: bigint;
  payoutId: string;
  problems: string[];
  converted: boolean;
  chargedBack: boolean;
  updatedAt: string;
}

export interface StoredPayout {
  payoutId: string;
  currency: string;
  date?: string | undefined;
  reportId?: string | undefined;
  /** What Checkout.com says it paid, when a report said. */
  amount?: bigint | undefined;
  gross: bigint;
  fees: bigint;
  net: bigint;
  lines: number;
  orders: number;
  exceptions: number;
  reconciledAt: string;
}

export interface PayoutOrder {
  /** Undefined for lines that match no order. */
  orderId?: string | undefined;
  currency: string;
  gross: bigint;
  fees: bigint;
  net: bigint;
  lines: number;
  status?: string | undefined;
  /** Why the order is a mismatch, as stored (see `readProblems`); empty otherwise. */
  problems: string[];
}

export interface Exceptions {
  mismatches: StoredOrderSettlement[];
  orphans: StoredLine[];
  /** Captured, and not (fully) in a payout `unsettledAfterDays` later. */
  unsettled: Array<{ orderId: string; amount: number; currency: string; since: string; status?: string }>;
  /** Lines in a payout that are only fees for an order whose money came in another payout (a late interchange). */
  feeOnly: Array<{ orderId: string; payoutId: string; currency: string; fees: bigint }>;
  /** Paid out in another currency than charged, or charged back: correct, but worth a look. */
  notable: StoredOrderSettlement[];
}

/** A window of `GET /reports` being listed: `created_after`, `created_before`, and the next page's token. */
export interface ReportPollWindow {
  after: string;
  before: string;
  pageToken?: string | undefined;
}

export interface ReportPollClaim {
  /** Every report created before this was listed; undefined before the first listing. */
  cursor?: string | undefined;
  /** The window an earlier listing left half done (an error, a restart), to resume. */
  window?: ReportPollWindow | undefined;
  /** Failed listings in a row. */
  attempts: number;
}

export type ExceptionKind = keyof Exceptions;

/** A cursor of `exceptionsPage` that is not one it gave. */
export class ExceptionsCursorError extends Error {
  override name = "ExceptionsCursorError";
}

/** A cursor of `payoutOrders` that is not one it gave. */
export class PayoutCursorError extends Error {
  override name = "PayoutCursorError";
}

/** A payout's orders, a page at a time; `next` is the cursor of the following page, when there is one. */
export interface PayoutOrdersPage {
  orders: PayoutOrder[];
  next?: string | undefined;
}

/** How many sort keys each kind's cursor carries. */
const KEY_WIDTH: Record<ExceptionKind, number> = {
  mismatches: 2,
  notable: 2,
  orphans: 2,
  unsettled: 2,
  feeOnly: 3,
};

/** The last row's sort keys, opaque to the caller (base64url JSON). */
function writeCursor(keys: string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString("base64url");
}

/** A line's id from a cursor; a cursor of another Handoff version (with the line's old key) is not one. */
function lineId(key: string): number {
  if (!/^\d{1,15}$/.test(key)) throw new ExceptionsCursorError("not a cursor of this exceptions list");
  return Number(key);
}

function readCursor(
  cursor: string,
  width: number,
  refused: () => Error = () => new ExceptionsCursorError("not a cursor of this exceptions list"),
): string[] {
  try {
    const keys: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(keys) && keys.length === width && keys.every((k) => typeof k === "string")) return keys;
  } catch {
    // Reported below.
  }
  throw refused();
}

/** The time before which every captured order has its settlement row, by the last pass's clock; "" before the first pass. */
async function capturedSeenBefore(db: SqlExecutor): Promise<string> {
  const cursor = (await db.execute("SELECT cursor FROM settlement_polls WHERE name = 'captured'")).rows[0]
    ?.cursor;
  return typeof cursor === "string" ? cursor : "";
}

function settlementRowOf(r: Row): StoredOrderSettlement {
  return {
    orderId: String(r.order_id),
    status: String(r.status) as StoredOrderSettlement["status"],
    currency: String(r.currency),
    gross: big(r.gross),
    fees: big(r.fees),
    net: big(r.net),
    payoutId: String(r.payout_id),
    problems: JSON.parse(String(r.problems_json)) as string[],
    converted: Number(r.converted) === 1,
    chargedBack: Number(r.charged_back) === 1,
    updatedAt: String(r.updated_at),
  };
}

const READ_SETTLEMENT = `order_id, status, currency, CAST(gross AS TEXT) AS gross, CAST(fees AS TEXT) AS fees,
  CAST(net AS TEXT) AS net, payout_id, problems_json, converted, charged_back, updated_at`;

/**
 * SettlementService's tables: lines stored once, matched to orders (by payment id, then reference), each
 * touched order's settlement recomputed in the same transaction, and the events that follow
 * (`order.settled`, `payout.reconciled`) appended to the outbox with it. It reads orders, attempts
 * and refunds but never changes them, so it takes no order lock.
 */
export class SqlSettlementStore {
  constructor(
    private readonly db: SqlClient,
    private readonly now: () => Date,
  ) {}

  /**
   * Stores lines (a report's batch, or one payment's financial actions) in one transaction. A line
   * already stored is left as it is; a line from a report replaces the same entry read from the API
   * before it was in a payout. Returns the orders whose settlement was recomputed and whether any
   * committed event waits in the outbox.
   */
  async ingest(
    lines: readonly SettlementLine[],
    reportId?: string,
  ): Promise<{ orders: string[]; announced: boolean }> {
    if (lines.length === 0) return { orders: [], announced: false };
    return this.writing((writer) => writer.ingest(lines, reportId));
  }

  /**
   * Recomputes the settlement of orders that changed after it was last computed, since `since`: a
   * review released, a refund made, a capture recorded after Checkout.com's lines were read. Without
   * it, such an order stayed in the exceptions as it was. Says how many were recomputed, and
   * whether an event waits in the outbox (an order now settled).
   */
  async refreshChangedOrders(
    since: string,
    limit = 1_000,
  ): Promise<{ refreshed: number; announced: boolean }> {
    // Every status, so the (status, updated_at) index is walked as ranges, not the whole table. Only
    // orders with lines: the row the loop gives one with none computes to itself, is not rewritten,
    // and would be picked again every pass, crowding out the orders that did change.
    const statuses = ORDER_STATUSES.map(() => "?").join(", ");
    const ids = (
      await this.db.execute(
        `SELECT s.order_id FROM orders o JOIN settlement_orders s ON s.order_id = o.id
         WHERE o.status IN (${statuses}) AND o.updated_at >= ? AND o.updated_at > s.updated_at
           AND EXISTS (SELECT 1 FROM settlement_lines l WHERE l.order_id = o.id) LIMIT ?`,
        [...ORDER_STATUSES, since, limit],
      )
    ).rows.map((r) => String(r.order_id));
    if (ids.length === 0) return { refreshed: 0, announced: false };
    const at = this.now().toISOString();
    const announced = await this.db.transaction((tx) => refreshOrders(tx, ids, at, new Map()));
    return { refreshed: ids.length, announced };
  }

  /** Records what Checkout.com says a payout paid (scaled units). */
  async recordPayoutAmount(payoutId: string, currency: string, amount: bigint, date?: string): Promise<void> {
    await recordPayoutAmountIn(this.db, { payoutId, currency, amount, date }, this.now().toISOString());
  }

  /**
   * Runs `work` in one transaction, with what a report's reader writes: several batches of lines
   * share a COMMIT (and its fsync, most of what a batch of a thousand lines costs), each batch
   * stored as `ingest` stores it. All or nothing, like one batch. `bulk`: a report's thousands of
   * lines, megabytes to write (see TransactionOptions).
   */
  async writing<T>(
    work: (writer: SettlementWriter) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    return this.db.transaction(
      (tx) =>
        work({
          ingest: async (lines, reportId) =>
            lines.length === 0
              ? { orders: [], announced: false }
              : storeLines(tx, lines, { reportId, at: this.now().toISOString() }),
          recordPayoutAmount: (payout) => recordPayoutAmountIn(tx, payout, this.now().toISOString()),
        }),
      options,
    );
  }

  /**
   * Totals a payout from its lines, stores them and, once its amount is known, announces
   * `payout.reconciled` (once per content). Called when a report of the payout has been read whole.
   */
  async reconcilePayout(
    payoutId: string,
    details: { reportId?: string | undefined; date?: string | undefined },
  ): Promise<StoredPayout | undefined> {
    return this.db.transaction(async (tx) => {
      const at = this.now().toISOString();
      const { totals, feeOnly } = await payoutTotals(tx, payoutId);
      const main = totals[0];
      if (!main) return undefined;
      const mismatched = Number(
        (
          await tx.execute(
            // From the mismatches (exceptions, few) to the payout, not from each of the payout's lines
            // (tens of thousands) to its order.
            `SELECT COUNT(*) AS n FROM settlement_orders o WHERE o.status = 'mismatch'
               AND EXISTS (SELECT 1 FROM settlement_lines l WHERE l.payout_id = ? AND l.order_id = o.order_id)`,
            [payoutId],
          )
        ).rows[0]?.n ?? 0,
      );
      const currency = String(main.holding_currency);
      const gross = big(main.gross);
      const fees = big(main.fees);
      const lines = totals.reduce((n, r) => n + Number(r.lines), 0);
      // A payout in more than one holding currency does not add up as one amount: each is an exception.
      const exceptions =
        totals.reduce((n, r) => n + Number(r.orphans), 0) + mismatched + feeOnly + (totals.length - 1);
      const known = await readPayout(tx, payoutId);
      const date = known?.date ?? details.date ?? (await lastProcessedOn(tx, payoutId));
      await tx.execute(
        `INSERT INTO settlement_payouts (payout_id, currency, payout_date, report_id, amount, gross, fees, net,
           line_count, order_count, exceptions, reconciled_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (payout_id) DO UPDATE SET currency = excluded.currency, payout_date = excluded.payout_date,
           report_id = COALESCE(excluded.report_id, settlement_payouts.report_id), gross = excluded.gross,
           fees = excluded.fees, net = excluded.net, line_count = excluded.line_count,
           order_count = excluded.order_count, exceptions = excluded.exceptions,
           reconciled_at = excluded.reconciled_at
         WHERE settlement_payouts.net <> excluded.net OR settlement_payouts.line_count <> excluded.line_count
           OR settlement_payouts.exceptions <> excluded.exceptions OR settlement_payouts.gross <> excluded.gross
           OR settlement_payouts.order_count <> excluded.order_count
           OR settlement_payouts.payout_date IS DISTINCT FROM excluded.payout_date
           OR settlement_payouts.report_id IS NULL`,
        [
          payoutId,
          currency,
          date,
          details.reportId ?? null,
          gross,
          fees,
          gross + fees,
          lines,
          Number(main.orders),
          exceptions,
          at,
        ],
      );
      const payout = await readPayout(tx, payoutId);
      // Announced once Checkout.com has said what it paid (its Payouts report): then it is reconciled.
      if (payout?.amount === undefined) return payout;
      await appendToOutbox(
        tx,
        payoutReconciledEvent({
          payoutId,
          currency,
          ...(payout.date ? { date: payout.date } : {}),
          gross: formatDecimal(gross, currency),
          fees: formatDecimal(fees, currency),
          net: formatDecimal(gross + fees, currency),
          amount: formatDecimal(payout.amount, currency),
          addsUp: payout.amount === gross + fees,
          lines,
          orders: payout.orders,
          exceptions,
          occurredAt: at,
        }),
      );
      return payout;
    });
  }

  // —— reading, for people ——

  async orderSettlement(
    orderId: string,
  ): Promise<{ settlement?: StoredOrderSettlement; feeItems: FeeItem[]; lines: StoredLine[] }> {
    const summary = (
      await this.db.execute(`SELECT ${READ_SETTLEMENT} FROM settlement_orders WHERE order_id = ?`, [orderId])
    ).rows[0];
    const lines = (
      await this.db.execute(
        `SELECT ${READ_LINE} FROM settlement_lines WHERE order_id = ? ORDER BY processed_on, id`,
        [orderId],
      )
    ).rows.map(storedLineOf);
    return {
      ...(summary ? { settlement: settlementRowOf(summary) } : {}),
      feeItems: itemisedFees(lines),
      lines,
    };
  }

  async payouts(limit = 200): Promise<StoredPayout[]> {
    const rows = (
      await this.db.execute(
        `SELECT ${READ_PAYOUT} FROM settlement_payouts WHERE line_count > 0
         ORDER BY payout_date DESC, payout_id DESC LIMIT ?`,
        [limit],
      )
    ).rows;
    return rows.map(payoutOf);
  }

  payout(payoutId: string): Promise<StoredPayout | undefined> {
    return readPayout(this.db, payoutId);
  }

  /**
   * The payout's lines per order, with each order's settlement status, `limit` orders a page (by
   * order id; an order paid out in two currencies is two rows). The lines that match no order come
   * first, together, on the first page. Read from the payout's covering index, a page at a time, so
   * a payout of a busy day is as quick to open as a small one.
   */
  async payoutOrders(
    payoutId: string,
    page: { limit?: number | undefined; after?: string | undefined } = {},
  ): Promise<PayoutOrdersPage> {
    const limit = page.limit ?? 200;
    const after =
      page.after === undefined
        ? undefined
        : readCursor(page.after, 2, () => new PayoutCursorError("not a cursor of this payout's orders"));
    const [afterOrder = "", afterCurrency = ""] = after ?? [];
    const sums = `CAST(SUM(CASE WHEN is_gross = 1 THEN holding_amount ELSE 0 END) AS TEXT) AS gross,
           CAST(SUM(CASE WHEN is_gross = 0 THEN holding_amount ELSE 0 END) AS TEXT) AS fees,
           COUNT(*) AS lines`;
    const noOrder = after
      ? []
      : (
          await this.db.execute(
            `SELECT holding_currency, ${sums} FROM settlement_lines
             WHERE payout_id = ? AND order_id IS NULL GROUP BY holding_currency ORDER BY holding_currency`,
            [payoutId],
          )
        ).rows;
    // One row more than the page: whether there is a next page, without counting.
    const rows = (
      await this.db.execute(
        `SELECT g.order_id, g.holding_currency, g.gross, g.fees, g.lines, s.status, s.problems_json
         FROM (SELECT order_id, holding_currency, ${sums} FROM settlement_lines
               WHERE payout_id = ? AND ${after ? "order_id >= ? AND (order_id > ? OR holding_currency > ?)" : "order_id IS NOT NULL"}
               GROUP BY order_id, holding_currency ORDER BY order_id, holding_currency LIMIT ?) g
         LEFT JOIN settlement_orders s ON s.order_id = g.order_id
         ORDER BY g.order_id, g.holding_currency`,
        [payoutId, ...(after ? [afterOrder, afterOrder, afterCurrency] : []), limit + 1],
      )
    ).rows;
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      orders: [...noOrder, ...shown].map((r) => ({
        orderId: r.order_id == null ? undefined : String(r.order_id),
        currency: String(r.holding_currency),
        gross: big(r.gross),
        fees: big(r.fees),
        net: big(r.gross) + big(r.fees),
        lines: Number(r.lines),
        status: r.order_id == null ? "orphan" : r.status == null ? undefined : String(r.status),
        problems: r.problems_json == null ? [] : (JSON.parse(String(r.problems_json)) as string[]),
      })),
      ...(rows.length > limit && last
        ? { next: writeCursor([String(last.order_id), String(last.holding_currency)]) }
        : {}),
    };
  }

  /** Every line of a payout, in a stable order, a page at a time (for the CSV export). */
  async *payoutLines(payoutId: string, pageSize = 1000): AsyncGenerator<StoredLine[]> {
    let after = 0;
    for (;;) {
      const rows = (
        await this.db.execute(
          `SELECT id, ${READ_LINE} FROM settlement_lines WHERE payout_id = ? AND id > ? ORDER BY id LIMIT ?`,
          [payoutId, after, pageSize],
        )
      ).rows;
      if (rows.length === 0) return;
      after = Number(rows.at(-1)?.id);
      yield rows.map(storedLineOf);
      if (rows.length < pageSize) return;
    }
  }

  /** The first `limit` (default 200) of each kind of exception; `exceptionsPage` reads any kind further. */
  async exceptions(options: { unsettledAfterDays: number; limit?: number }): Promise<Exceptions> {
    const page = <K extends ExceptionKind>(kind: K) =>
      this.exceptionsPage(kind, options).then((p) => p.items);
    return {
      mismatches: await page("mismatches"),
      orphans: await page("orphans"),
      unsettled: await page("unsettled"),
      feeOnly: await page("feeOnly"),
      notable: await page("notable"),
    };
  }

  /**
   * One page of one kind of exception, in the order the queue shows them, and the cursor of the
   * next page (undefined on the last): keyset paging, so a page deep in a long queue costs what the
   * first does and rows added meanwhile neither repeat nor skip what follows. An unreadable cursor
   * throws ExceptionsCursorError.
   */
  async exceptionsPage<K extends ExceptionKind>(
    kind: K,
    options: { unsettledAfterDays: number; limit?: number | undefined; after?: string | undefined },
  ): Promise<{ items: Exceptions[K]; next?: string | undefined }> {
    const limit = options.limit ?? 200;
    const after = options.after === undefined ? undefined : readCursor(options.after, KEY_WIDTH[kind]);
    const key = (i: number): string => after?.[i] ?? "";
    // One row more than the page: whether there is a next page, without counting.
    const take = limit + 1;
    let rows: Row[];
    let keyOf: (r: Row) => string[];
    let items: (rows: Row[]) => Exceptions[ExceptionKind];
    if (kind === "mismatches" || kind === "notable") {
      // Newest change first; the order id breaks ties.
      const which =
        kind === "mismatches"
          ? "status = 'mismatch'"
          : // Written as settlement_orders_notable's WHERE, so the planner knows the index serves it.
            "(converted = 1 OR charged_back = 1) AND status <> 'mismatch'";
      rows = (
        await this.db.execute(
          `SELECT ${READ_SETTLEMENT} FROM settlement_orders WHERE ${which}
           ${after ? "AND (updated_at < ? OR (updated_at = ? AND order_id < ?))" : ""}
           ORDER BY updated_at DESC, order_id DESC LIMIT ?`,
          [...(after ? [key(0), key(0), key(1)] : []), take],
        )
      ).rows;
      keyOf = (r) => [String(r.updated_at), String(r.order_id)];
      items = (page) => page.map(settlementRowOf);
    } else if (kind === "orphans") {
      rows = (
        await this.db.execute(
          `SELECT id, ingested_at, ${READ_LINE} FROM settlement_lines WHERE order_id IS NULL
           ${after ? "AND (ingested_at < ? OR (ingested_at = ? AND id < ?))" : ""}
           ORDER BY ingested_at DESC, id DESC LIMIT ?`,
          [...(after ? [key(0), key(0), lineId(key(1))] : []), take],
        )
      ).rows;
      keyOf = (r) => [String(r.ingested_at), String(r.id)];
      items = (page) => page.map(storedLineOf);
    } else if (kind === "unsettled") {
      // Longest waiting first. Every captured order has a settlement row once the loop's pass has
      // seen it (queueCapturedPayments), so the queue is the rows not yet settled, read by their
      // status; an order captured since the last pass has none yet, and is found among the orders
      // changed since then. Neither walks the orders that settled. (CROSS JOIN: SQLite, with no
      // statistics, would walk every captured order instead; PostgreSQL plans it as any join.) The
      // status is said only once a line has come: "nothing reported yet" is worth knowing.
      const before = new Date(this.now().getTime() - options.unsettledAfterDays * 86_400_000).toISOString();
      const captured = "'captured', 'partially_refunded', 'refunded'";
      // From a day before the pass's cursor: the pass of an instance whose clock runs ahead may have
      // moved it past orders another instance stamped (that instance's own pass gives them their
      // row). The queue lists only orders days old, so the day costs nothing.
      const seen = await capturedSeenBefore(this.db);
      const from = seen === "" ? "" : new Date(Date.parse(seen) - 86_400_000).toISOString();
      const keyset = after ? "AND (o.updated_at > ? OR (o.updated_at = ? AND o.id > ?))" : "";
      const keys = after ? [key(0), key(0), key(1)] : [];
      rows = (
        await this.db.execute(
          `SELECT o.id, o.amount, o.currency, o.updated_at,
             CASE WHEN EXISTS (SELECT 1 FROM settlement_lines l WHERE l.order_id = o.id) THEN s.status END AS status
           FROM settlement_orders s CROSS JOIN orders o
           WHERE o.id = s.order_id AND s.status IN ('expected', 'partially_settled') AND o.status IN (${captured})
             AND o.updated_at < ? ${keyset}
           UNION ALL
           SELECT o.id, o.amount, o.currency, o.updated_at, NULL FROM orders o
           WHERE o.status IN (${captured}) AND o.updated_at >= ? AND o.updated_at < ? ${keyset}
             AND NOT EXISTS (SELECT 1 FROM settlement_orders s WHERE s.order_id = o.id)
           ORDER BY updated_at, id LIMIT ?`,
          [before, ...keys, from, before, ...keys, take],
        )
      ).rows;
      keyOf = (r) => [String(r.updated_at), String(r.id)];
      items = (page) =>
        page.map((r) => ({
          orderId: String(r.id),
          amount: Number(r.amount),
          currency: String(r.currency),
          since: String(r.updated_at),
          ...(r.status === null ? {} : { status: String(r.status) }),
        }));
    } else {
      // Fee-only groups, newest payout first, from the orders that have one (fee_only, indexed; the
      // CROSS JOIN keeps SQLite from walking every line instead). The keyset is on the group's own
      // columns, so it filters whole groups before they are summed.
      rows = (
        await this.db.execute(
          `SELECT l.order_id, l.payout_id, l.holding_currency, CAST(SUM(l.holding_amount) AS TEXT) AS fees
           FROM settlement_orders s CROSS JOIN settlement_lines l
           WHERE l.order_id = s.order_id AND s.fee_only = 1 AND l.payout_id <> ''
           ${
             after
               ? `AND (l.payout_id < ? OR (l.payout_id = ? AND (l.order_id > ?
                    OR (l.order_id = ? AND l.holding_currency > ?))))`
               : ""
           }
           GROUP BY l.order_id, l.payout_id, l.holding_currency HAVING MAX(l.is_gross) = 0
           ORDER BY l.payout_id DESC, l.order_id, l.holding_currency LIMIT ?`,
          [...(after ? [key(0), key(0), key(1), key(1), key(2)] : []), take],
        )
      ).rows;
      keyOf = (r) => [String(r.payout_id), String(r.order_id), String(r.holding_currency)];
      items = (page) =>
        page.map((r) => ({
          orderId: String(r.order_id),
          payoutId: String(r.payout_id),
          currency: String(r.holding_currency),
          fees: big(r.fees),
        }));
    }
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: items(page) as Exceptions[K],
      ...(rows.length > limit && last ? { next: writeCursor(keyOf(last)) } : {}),
    };
  }

  // —— the work queues: payments to ask about, reports to read ——

  /**
   * Queues every captured payment not queued yet (changed since `since`), to be asked about at `at`,
   * and gives each captured order changed since then its settlement row (`expected` until a line
   * comes), so the unsettled queue reads from settlement_orders. `since`: every payment and order
   * changed before it was seen by an earlier call of this instance (each instance walks from the
   * first order when it starts: its own clock, not another's, says what it has seen). Returns how
   * many payments were queued.
   */
  async queueCapturedPayments(since: string, at: string): Promise<number> {
    const result = await this.db.execute(
      `INSERT INTO settlement_pulls (payment_id, order_id, attempts, next_pull_at, done)
       SELECT a.payment_id, a.order_id, 0, ?, 0 FROM payment_attempts a
       WHERE a.payment_id IS NOT NULL AND a.status IN ('captured', 'partially_refunded', 'refunded')
         AND a.updated_at >= ?
         AND NOT EXISTS (SELECT 1 FROM settlement_pulls p WHERE p.payment_id = a.payment_id)
       ON CONFLICT (payment_id) DO NOTHING`,
      [at, since],
    );
    // A transaction of its own: on SQLite the writers wait for it, so the two walks take turns with them.
    await this.db.transaction(async (tx) => {
      const now = this.now();
      await tx.execute(
        `INSERT INTO settlement_orders (order_id, status, currency, gross, fees, net, payout_id, problems_json,
           converted, charged_back, fee_only, updated_at)
         SELECT o.id, 'expected', o.currency, 0, 0, 0, '', '[]', 0, 0, 0, ? FROM orders o
         WHERE o.status IN ('captured', 'partially_refunded', 'refunded') AND o.updated_at >= ?
         ON CONFLICT (order_id) DO NOTHING`,
        [now.toISOString(), since],
      );
      // Every order changed before this has a row now: one whose transaction stamped it earlier
      // but had not committed yet is seen by the next call (its `since` is as far back).
      const seen = new Date(now.getTime() - LATE_COMMIT_MS).toISOString();
      await tx.execute(
        `INSERT INTO settlement_polls (name, cursor, attempts, next_poll_at, polled_at)
         VALUES ('captured', ?, 0, ?, ?)
         ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, polled_at = excluded.polled_at
         WHERE settlement_polls.cursor IS NULL OR settlement_polls.cursor < excluded.cursor`,
        [seen, now.toISOString(), now.toISOString()],
      );
    });
    return result.rowsAffected;
  }

  /** Claims due pulls for `leaseMs`: another instance skips them until then. */
  async claimPulls(
    limit: number,
    leaseMs: number,
    dueBy: Date = this.now(),
  ): Promise<Array<{ paymentId: string; orderId: string; attempts: number }>> {
    const now = this.now();
    const at = now.toISOString();
    const due = dueBy.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const rows = (
      await this.db.execute(
        `UPDATE settlement_pulls SET claimed_until = ?
         WHERE (claimed_until IS NULL OR claimed_until < ?) AND payment_id IN (
           SELECT payment_id FROM settlement_pulls WHERE done = 0 AND next_pull_at <= ?
             AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_pull_at LIMIT ?)
         RETURNING payment_id, order_id, attempts`,
        [until, at, due, at, limit],
      )
    ).rows;
    return rows.map((r) => ({
      paymentId: String(r.payment_id),
      orderId: String(r.order_id),
      attempts: Number(r.attempts),
    }));
  }

  async pulled(
    paymentId: string,
    outcome: { done: boolean; attempts: number; nextAt: string; error?: string | undefined },
  ): Promise<void> {
    await this.db.execute(
      `UPDATE settlement_pulls SET done = ?, attempts = ?, next_pull_at = ?, last_error = ?, claimed_until = NULL
       WHERE payment_id = ?`,
      [outcome.done ? 1 : 0, outcome.attempts, outcome.nextAt, outcome.error ?? null, paymentId],
    );
  }

  /** A report to read (from `report_generated`, or found by listing); known ones are left as they are. */
  async announceReport(report: { reportId: string; eventId?: string; payoutId?: string }): Promise<boolean> {
    const at = this.now().toISOString();
    const result = await this.db.execute(
      `INSERT INTO settlement_reports (report_id, event_id, payout_id, status, files_done, lines, attempts,
         next_attempt_at, announced_at) VALUES (?, ?, ?, 'announced', '[]', 0, 0, ?, ?)
       ON CONFLICT (report_id) DO NOTHING`,
      [report.reportId, report.eventId ?? null, report.payoutId ?? null, at, at],
    );
    return result.rowsAffected > 0;
  }

  // —— the listing of GET /reports that finds reports whose report_generated never came ——

  /**
   * Takes the report listing for `owner` until `leaseMs` from now, if it is due and no other
   * instance holds it: where the last listing got to (`cursor`), and the window it left half
   * listed, if it was interrupted.
   */
  async claimReportPoll(owner: string, leaseMs: number): Promise<ReportPollClaim | undefined> {
    const now = this.now();
    const at = now.toISOString();
    await this.db.execute(
      `INSERT INTO settlement_polls (name, attempts, next_poll_at) VALUES ('reports', 0, ?)
       ON CONFLICT (name) DO NOTHING`,
      [new Date(0).toISOString()],
    );
    const row = (
      await this.db.execute(
        `UPDATE settlement_polls SET claimed_by = ?, claimed_until = ?
         WHERE name = 'reports' AND next_poll_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
         RETURNING cursor, window_after, window_before, page_token, attempts`,
        [owner, new Date(now.getTime() + leaseMs).toISOString(), at, at],
      )
    ).rows[0];
    if (!row) return undefined;
    const text = (v: SqlValue | undefined) => (v === null || v === undefined ? undefined : String(v));
    const after = text(row.window_after);
    const before = text(row.window_before);
    const cursor = text(row.cursor);
    const pageToken = text(row.page_token);
    return {
      ...(cursor ? { cursor } : {}),
      ...(after && before ? { window: { after, before, ...(pageToken ? { pageToken } : {}) } } : {}),
      attempts: Number(row.attempts),
    };
  }

  /**
   * Where the listing in hand has got to (the next page's token), its lease renewed. False when
   * `owner` no longer holds it (its lease lapsed and another instance took it): it must stop.
   */
  async reportPollProgress(owner: string, window: ReportPollWindow, leaseMs: number): Promise<boolean> {
    const result = await this.db.execute(
      `UPDATE settlement_polls SET window_after = ?, window_before = ?, page_token = ?, claimed_until = ?
       WHERE name = 'reports' AND claimed_by = ?`,
      [
        window.after,
        window.before,
        window.pageToken ?? null,
        new Date(this.now().getTime() + leaseMs).toISOString(),
        owner,
      ],
    );
    return result.rowsAffected > 0;
  }

  /**
   * Ends `owner`'s hold on the listing. `done`: the window was listed whole, the cursor moves to its
   * end. `failed`: the window in hand stays as it is, to be resumed at `nextAt`. Neither: stopped,
   * due again at once.
   */
  async reportPollOutcome(
    owner: string,
    outcome:
      | { status: "done"; cursor: string; nextAt: string }
      | { status: "failed"; attempts: number; nextAt: string; error: string }
      | { status: "stopped" },
  ): Promise<void> {
    if (outcome.status === "done") {
      await this.db.execute(
        `UPDATE settlement_polls SET cursor = ?, window_after = NULL, window_before = NULL, page_token = NULL,
           attempts = 0, next_poll_at = ?, last_error = NULL, polled_at = ?, claimed_by = NULL,
           claimed_until = NULL WHERE name = 'reports' AND claimed_by = ?`,
        [outcome.cursor, outcome.nextAt, this.now().toISOString(), owner],
      );
      return;
    }
    if (outcome.status === "failed") {
      await this.db.execute(
        `UPDATE settlement_polls SET attempts = ?, next_poll_at = ?, last_error = ?, claimed_by = NULL,
           claimed_until = NULL WHERE name = 'reports' AND claimed_by = ?`,
        [outcome.attempts, outcome.nextAt, outcome.error, owner],
      );
      return;
    }
    await this.db.execute(
      "UPDATE settlement_polls SET claimed_by = NULL, claimed_until = NULL WHERE name = 'reports' AND claimed_by = ?",
      [owner],
    );
  }

  /** The listing's state, for people and tests. */
  async reportPoll(): Promise<Row | undefined> {
    return (await this.db.execute("SELECT * FROM settlement_polls WHERE name = 'reports'")).rows[0];
  }

  async claimReports(
    limit: number,
    leaseMs: number,
  ): Promise<Array<{ reportId: string; attempts: number; filesDone: string[]; lines: number }>> {
    const now = this.now();
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const rows = (
      await this.db.execute(
        `UPDATE settlement_reports SET claimed_until = ?
         WHERE (claimed_until IS NULL OR claimed_until < ?) AND report_id IN (
           SELECT report_id FROM settlement_reports WHERE status = 'announced' AND next_attempt_at <= ?
             AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at LIMIT ?)
         RETURNING report_id, attempts, files_done, lines`,
        [until, at, at, at, limit],
      )
    ).rows;
    return rows.map((r) => ({
      reportId: String(r.report_id),
      attempts: Number(r.attempts),
      filesDone: JSON.parse(String(r.files_done)) as string[],
      lines: Number(r.lines),
    }));
  }

  /** One file of a report read whole: a retry starts after it. */
  async reportFileDone(reportId: string, filesDone: string[], lines: number): Promise<void> {
    await this.db.execute("UPDATE settlement_reports SET files_done = ?, lines = ? WHERE report_id = ?", [
      JSON.stringify(filesDone),
      lines,
      reportId,
    ]);
  }

  async reportOutcome(
    reportId: string,
    outcome:
      | { status: "ingested"; payoutId?: string | undefined }
      | { status: "retry" | "failed"; attempts: number; nextAt: string; error: string },
  ): Promise<void> {
    const at = this.now().toISOString();
    if (outcome.status === "ingested") {
      await this.db.execute(
        `UPDATE settlement_reports SET status = 'ingested', ingested_at = ?, claimed_until = NULL, last_error = NULL,
           payout_id = COALESCE(?, payout_id) WHERE report_id = ?`,
        [at, outcome.payoutId ?? null, reportId],
      );
      return;
    }
    await this.db.execute(
      `UPDATE settlement_reports SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?,
         claimed_until = NULL WHERE report_id = ?`,
      [
        outcome.status === "failed" ? "failed" : "announced",
        outcome.attempts,
        outcome.nextAt,
        outcome.error,
        reportId,
      ],
    );
  }

  async reports(limit = 50): Promise<Row[]> {
    return (
      await this.db.execute(
        `SELECT report_id, payout_id, status, lines, attempts, last_error, announced_at, ingested_at
         FROM settlement_reports ORDER BY announced_at DESC LIMIT ?`,
        [limit],
      )
    ).rows;
  }
}

const READ_PAYOUT = `payout_id, currency, payout_date, report_id, CAST(amount AS TEXT) AS amount,
  CAST(gross AS TEXT) AS gross, CAST(fees AS TEXT) AS fees, CAST(net AS TEXT) AS net, line_count, order_count,
  exceptions, reconciled_at`;

function payoutOf(r: Row): StoredPayout {
  return {
    payoutId: String(r.payout_id),
    currency: String(r.currency),
    ...(r.payout_date ? { date: String(r.payout_date) } : {}),
    ...(r.report_id ? { reportId: String(r.report_id) } : {}),
    ...(r.amount === null || r.amount === undefined ? {} : { amount: big(r.amount) }),
    gross: big(r.gross),
    fees: big(r.fees),
    net: big(r.net),
    lines: Number(r.line_count),
    orders: Number(r.order_count),
    exceptions: Number(r.exceptions),
    reconciledAt: String(r.reconciled_at),
  };
}

/**
 * A payout's totals per holding currency (the most lines first) and its orders whose lines in it are
 * fees only, from settlement_lines_by_payout alone (it holds every column read here, so no line is
 * read from the table). One pass over the payout's lines, an order at a time, in the common case: each order's
 * lines in one currency. An order or the orphans in several currencies in one payout (itself an
 * exception) are counted the long way, each total by itself.
 */
async function payoutTotals(tx: SqlExecutor, payoutId: string): Promise<{ totals: Row[]; feeOnly: number }> {
  const totals = (
    await tx.execute(
      `SELECT holding_currency, CAST(COALESCE(SUM(gross), 0) AS TEXT) AS gross,
         CAST(COALESCE(SUM(fees), 0) AS TEXT) AS fees, SUM(line_count) AS lines, COUNT(order_id) AS orders,
         SUM(CASE WHEN order_id IS NULL THEN line_count ELSE 0 END) AS orphans,
         SUM(CASE WHEN order_id IS NOT NULL AND has_gross = 0 THEN 1 ELSE 0 END) AS fee_only,
         MAX(mixed) AS mixed
       FROM (SELECT order_id, MIN(holding_currency) AS holding_currency,
           CASE WHEN MIN(holding_currency) <> MAX(holding_currency) THEN 1 ELSE 0 END AS mixed,
           SUM(CASE WHEN is_gross = 1 THEN holding_amount ELSE 0 END) AS gross,
           SUM(CASE WHEN is_gross = 0 THEN holding_amount ELSE 0 END) AS fees,
           COUNT(*) AS line_count, MAX(is_gross) AS has_gross
         FROM settlement_lines WHERE payout_id = ? GROUP BY order_id) g
       GROUP BY holding_currency ORDER BY SUM(line_count) DESC`,
      [payoutId],
    )
  ).rows;
  if (!totals.some((r) => Number(r.mixed) === 1))
    return { totals, feeOnly: totals.reduce((n, r) => n + Number(r.fee_only), 0) };
  const byCurrency = (
    await tx.execute(
      `SELECT holding_currency,
         CAST(COALESCE(SUM(CASE WHEN is_gross = 1 THEN holding_amount ELSE 0 END), 0) AS TEXT) AS gross,
         CAST(COALESCE(SUM(CASE WHEN is_gross = 0 THEN holding_amount ELSE 0 END), 0) AS TEXT) AS fees,
         COUNT(*) AS lines, COUNT(DISTINCT order_id) AS orders,
         SUM(CASE WHEN order_id IS NULL THEN 1 ELSE 0 END) AS orphans
       FROM settlement_lines WHERE payout_id = ? GROUP BY holding_currency ORDER BY COUNT(*) DESC`,
      [payoutId],
    )
  ).rows;
  const feeOnly = Number(
    (
      await tx.execute(
        `SELECT COUNT(*) AS n FROM (SELECT order_id FROM settlement_lines
           WHERE payout_id = ? AND order_id IS NOT NULL GROUP BY order_id HAVING MAX(is_gross) = 0) f`,
        [payoutId],
      )
    ).rows[0]?.n ?? 0,
  );
  return { totals: byCurrency, feeOnly };
}

/**
 * The day of a payout's last line, for a payout no report dated. Asked only then: it reads each line
 * itself, where the totals read settlement_lines_by_payout alone.
 */
async function lastProcessedOn(tx: SqlExecutor, payoutId: string): Promise<string | null> {
  const last = (
    await tx.execute("SELECT MAX(processed_on) AS last FROM settlement_lines WHERE payout_id = ?", [payoutId])
  ).rows[0]?.last;
  return last ? String(last).slice(0, 10) : null;
}

/** What Checkout.com says a payout paid (scaled units), through `sql` (the store or a transaction). */
async function recordPayoutAmountIn(
  sql: SqlExecutor,
  payout: { payoutId: string; currency: string; amount: bigint; date?: string | undefined },
  at: string,
): Promise<void> {
  await sql.execute(
    `INSERT INTO settlement_payouts (payout_id, currency, payout_date, amount, gross, fees, net, line_count,
       order_count, exceptions, reconciled_at) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, ?)
     ON CONFLICT (payout_id) DO UPDATE SET amount = excluded.amount,
       payout_date = COALESCE(excluded.payout_date, settlement_payouts.payout_date)`,
    [payout.payoutId, payout.currency, payout.date ?? null, payout.amount, at],
  );
}

async function readPayout(sql: SqlExecutor, payoutId: string): Promise<StoredPayout | undefined> {
  const row = (
    await sql.execute(`SELECT ${READ_PAYOUT} FROM settlement_payouts WHERE payout_id = ?`, [payoutId])
  ).rows[0];
  return row ? payoutOf(row) : undefined;
}
