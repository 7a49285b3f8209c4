import type { HandoffEvent } from "@handoff/contracts";
import type { Row, SqlExecutor, SqlValue } from "../db/sql-client.js";
import { orderSettledEvent } from "../outbox/events.js";
import { appendManyToOutbox } from "../outbox/sql-outbox.js";
import { formatDecimal } from "./decimal.js";
import { isGross, type SettlementLine } from "./lines.js";
import { big, insertRows, selectIn } from "./sql.js";
import { type OrderSettlement, settlementOf } from "./status.js";

/**
 * The write path of settlement: a batch of lines stored in one transaction, each line once,
 * matched to its order, and each touched order's settlement recomputed with the events that
 * follow. A million-line report goes through here a few hundred lines at a time, so every step
 * is set-based: a statement per hundred lines or orders, never one per line, and an order whose
 * lines were all just stored is recomputed from them rather than read back.
 */

/** Attempt statuses in which Handoff captured the payment. */
const CAPTURED = ["captured", "partially_refunded", "refunded"];

const LINE_COLUMNS = `action_id, action_type, payment_id, reference, breakdown_type, fee_detail, is_gross,
  processed_on, processing_currency, processing_amount, holding_currency, holding_amount, transaction_currency,
  transaction_amount, payout_id, report_id, order_id, ingested_at`;
const LINE_WIDTH = 18;

/**
 * A report's lines: one row per entry; the same entry read again is left as it is. Binding a
 * value costs the driver far more than SQL takes to compute one (a string most, several times a
 * number or NULL), so a row binds only what it alone says: the report, the time, and the batch's
 * usual holding currency and payout are bound once per statement; a currency, amount or payout
 * that repeats the usual one is NULL; and an order id that is the line's reference (Handoff's
 * own, the common case) is a flag.
 */
const INSERT_LINES = {
  head: `INSERT INTO settlement_lines (${LINE_COLUMNS})`,
  width: 16,
  row: `(?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), ?, ?, CAST(? AS BIGINT), ?, CAST(? AS BIGINT), ?,
    CAST(? AS BIGINT), ?, ?)`,
  // column1…16: action_id, action_type, payment_id, reference, breakdown_type, fee_detail,
  // is_gross + 2 when the order id is the reference, processed_on, processing_currency,
  // processing_amount, holding_currency, holding_amount, transaction_currency, transaction_amount,
  // payout_id, order_id.
  rows: (
    values: string,
  ) => `SELECT column1, column2, column3, column4, column5, column6, column7 % 2, column8,
    COALESCE(column9, column11, d.currency), COALESCE(column10, column12), COALESCE(column11, d.currency),
    column12, COALESCE(column13, column9, column11, d.currency), COALESCE(column14, column10, column12),
    COALESCE(column15, d.payout), d.report, CASE WHEN column7 >= 2 THEN column4 ELSE column16 END, d.at
    FROM (SELECT ? AS report, ? AS at, ? AS currency, ? AS payout) AS d, (VALUES ${values}) AS v WHERE true`,
  tail: "ON CONFLICT (action_id, breakdown_type, fee_detail, payout_id) DO NOTHING",
};

/**
 * INSERT_LINES for a plain line, most of a report: every amount its holding amount, every currency
 * and the payout the batch's usual ones, and its order (if any) its reference. Even a NULL costs
 * the driver a tenth of a microsecond to bind, so these rows bind the 9 values they say, not 16.
 */
const INSERT_PLAIN_LINES = {
  head: `INSERT INTO settlement_lines (${LINE_COLUMNS})`,
  width: 9,
  row: "(?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), ?, CAST(? AS BIGINT))",
  // column1…9: action_id, action_type, payment_id, reference, breakdown_type, fee_detail,
  // is_gross + 2 when the order id is the reference (else it has none), processed_on, holding_amount.
  rows: (
    values: string,
  ) => `SELECT column1, column2, column3, column4, column5, column6, column7 % 2, column8,
    d.currency, column9, d.currency, column9, d.currency, column9, d.payout, d.report,
    CASE WHEN column7 >= 2 THEN column4 END, d.at
    FROM (SELECT ? AS report, ? AS at, ? AS currency, ? AS payout) AS d, (VALUES ${values}) AS v WHERE true`,
  tail: "ON CONFLICT (action_id, breakdown_type, fee_detail, payout_id) DO NOTHING",
};

/** Whether INSERT_PLAIN_LINES can store the line: it says nothing beyond its own 9 values. */
function isPlain(l: SettlementLine, orderId: string | null, usual: { currency: string; payoutId: string }) {
  return (
    (orderId === null || orderId === l.reference) &&
    l.holdingCurrency === usual.currency &&
    l.payoutId === usual.payoutId &&
    l.processingCurrency === l.holdingCurrency &&
    l.transactionCurrency === l.holdingCurrency &&
    l.processingAmount === l.holdingAmount &&
    l.transactionAmount === l.holdingAmount
  );
}

/**
 * The eight values every line statement starts with; `flag` is added to is_gross (2: the order id
 * is the reference, in the statements that encode it so).
 */
function putHead(values: SqlValue[], l: SettlementLine, flag: number): void {
  values.push(
    l.actionId,
    l.actionType,
    l.paymentId,
    l.reference,
    l.breakdownType,
    l.feeDetail,
    (isGross(l.breakdownType) ? 1 : 0) + flag,
    l.processedOn,
  );
}

/** A plain line's values, in INSERT_PLAIN_LINES' order. */
function putPlain(values: SqlValue[], l: SettlementLine, orderId: string | null): void {
  putHead(values, l, orderId !== null ? 2 : 0);
  values.push(l.holdingAmount);
}

/** A line's own values, in INSERT_LINES' order; `usual`: the batch's holding currency and payout. */
function putOwn(
  values: SqlValue[],
  l: SettlementLine,
  orderId: string | null,
  usual: { currency: string; payoutId: string },
): void {
  const ofReference = orderId !== null && orderId === l.reference;
  putHead(values, l, ofReference ? 2 : 0);
  values.push(
    l.processingCurrency === l.holdingCurrency ? null : l.processingCurrency,
    l.processingAmount === l.holdingAmount ? null : l.processingAmount,
    l.holdingCurrency === usual.currency ? null : l.holdingCurrency,
    l.holdingAmount,
    l.transactionCurrency === l.processingCurrency ? null : l.transactionCurrency,
    l.transactionAmount === l.processingAmount ? null : l.transactionAmount,
    l.payoutId === usual.payoutId ? null : l.payoutId,
    ofReference ? null : orderId,
  );
}
/** The same values as a SELECT list: PostgreSQL types a bare parameter there as text, so numbers say what they are. */
const SELECT_LINE_VALUES = Array.from({ length: LINE_WIDTH }, (_, i) =>
  i === 6 ? "CAST(? AS INTEGER)" : i === 9 || i === 11 || i === 13 ? "CAST(? AS BIGINT)" : "?",
).join(", ");

/** A line's columns, in LINE_COLUMNS' order, pushed onto its statement's values. */
function putLine(
  values: SqlValue[],
  l: SettlementLine,
  orderId: string | null,
  reportId: string | null,
  at: string,
): void {
  putHead(values, l, 0);
  values.push(
    l.processingCurrency,
    l.processingAmount,
    l.holdingCurrency,
    l.holdingAmount,
    l.transactionCurrency,
    l.transactionAmount,
    l.payoutId,
    reportId,
    orderId,
    at,
  );
}

/** Amounts read back exactly: the database gives 64-bit integers as text. */
export const READ_LINE = `action_id, action_type, payment_id, reference, breakdown_type, fee_detail, processed_on,
  processing_currency, CAST(processing_amount AS TEXT) AS processing_amount, holding_currency,
  CAST(holding_amount AS TEXT) AS holding_amount, transaction_currency,
  CAST(transaction_amount AS TEXT) AS transaction_amount, payout_id, order_id`;

export interface StoredLine extends SettlementLine {
  orderId?: string | undefined;
}

/** A row read with READ_LINE. */
export function storedLineOf(r: Row): StoredLine {
  return {
    actionId: String(r.action_id),
    actionType: String(r.action_type),
    paymentId: String(r.payment_id),
    reference: String(r.reference),
    breakdownType: String(r.breakdown_type),
    feeDetail: String(r.fee_detail),
    processedOn: String(r.processed_on),
    processingCurrency: String(r.processing_currency),
    processingAmount: big(r.processing_amount),
    holdingCurrency: String(r.holding_currency),
    holdingAmount: big(r.holding_amount),
    transactionCurrency: String(r.transaction_currency),
    transactionAmount: big(r.transaction_amount),
    payoutId: String(r.payout_id),
    orderId: r.order_id === null || r.order_id === undefined ? undefined : String(r.order_id),
  };
}

/**
 * Stores `lines` inside `tx`. A line already stored is left as it is; a line from a report
 * replaces the same entry read from the API before it was in a payout. Returns the orders whose
 * settlement was recomputed, and whether an event was appended to the outbox.
 */
export async function storeLines(
  tx: SqlExecutor,
  lines: readonly SettlementLine[],
  options: { reportId?: string | undefined; at: string },
): Promise<{ orders: string[]; announced: boolean }> {
  const { at } = options;
  const reportId = options.reportId ?? null;
  const matched = await matchOrders(tx, lines);
  const orderOf = lines.map(
    (l) =>
      (l.paymentId ? matched.byPayment.get(l.paymentId) : undefined) ??
      (l.reference ? matched.byReference.get(l.reference) : undefined) ??
      null,
  );
  // Lines in a payout (a report's) and lines not yet in one (the API's), by their index in `lines`.
  const paidOut: number[] = [];
  const pending: number[] = [];
  lines.forEach((l, i) => {
    (l.payoutId === "" ? pending : paidOut).push(i);
  });

  // By payout (a report may interleave several, one per currency), each with its own usual holding
  // currency and payout; within one, plain lines and the others, each through their own statements.
  const byPayout = new Map<string, number[]>();
  paidOut.forEach((i, k) => {
    const payoutId = (lines[i] as SettlementLine).payoutId;
    const group = byPayout.get(payoutId);
    if (group) group.push(k);
    else byPayout.set(payoutId, [k]);
  });
  const inserted: boolean[] = [];
  for (const [payoutId, group] of byPayout) {
    const first = lines[paidOut[group[0] as number] as number] as SettlementLine;
    const usual = { currency: first.holdingCurrency, payoutId };
    const plain: number[] = [];
    const other: number[] = [];
    for (const k of group) {
      const i = paidOut[k] as number;
      (isPlain(lines[i] as SettlementLine, orderOf[i] ?? null, usual) ? plain : other).push(k);
    }
    const perStatement = [reportId, at, usual.currency, usual.payoutId];
    /** The lines `ks` (indexes into paidOut) through `statement`, each line's values pushed by `put`. */
    const insertThrough = async (
      statement: Parameters<typeof insertRows>[1],
      ks: number[],
      put: (values: SqlValue[], l: SettlementLine, orderId: string | null) => void,
    ) => {
      const done = await insertRows(
        tx,
        statement,
        ks.length,
        (values, n) => {
          const i = paidOut[ks[n] as number] as number;
          put(values, lines[i] as SettlementLine, orderOf[i] ?? null);
        },
        perStatement,
      );
      ks.forEach((k, n) => {
        inserted[k] = done[n] as boolean;
      });
    };
    await insertThrough(INSERT_PLAIN_LINES, plain, putPlain);
    await insertThrough(INSERT_LINES, other, (values, l, orderId) => putOwn(values, l, orderId, usual));
  }
  if (
    paidOut.length > 0 &&
    (await tx.execute("SELECT 1 AS one FROM settlement_lines WHERE payout_id = '' LIMIT 1")).rows.length > 0
  ) {
    // The same entries, read from the API before they were paid out, give way to the report's.
    await selectIn(
      tx,
      (list) => `DELETE FROM settlement_lines WHERE payout_id = '' AND action_id IN (${list})
        AND EXISTS (SELECT 1 FROM settlement_lines p WHERE p.action_id = settlement_lines.action_id
          AND p.breakdown_type = settlement_lines.breakdown_type
          AND p.fee_detail = settlement_lines.fee_detail AND p.payout_id <> '')`,
      [...new Set(paidOut.map((i) => (lines[i] as SettlementLine).actionId))],
    );
  }
  for (const i of pending) {
    // From the API: only while no report has put the entry in a payout.
    const l = lines[i] as SettlementLine;
    const values: SqlValue[] = [];
    putLine(values, l, orderOf[i] ?? null, reportId, at);
    await tx.execute(
      `INSERT INTO settlement_lines (${LINE_COLUMNS})
       SELECT ${SELECT_LINE_VALUES}
       WHERE NOT EXISTS (SELECT 1 FROM settlement_lines p WHERE p.action_id = ? AND p.breakdown_type = ?
         AND p.fee_detail = ? AND p.payout_id <> '')
       ON CONFLICT (action_id, breakdown_type, fee_detail, payout_id) DO NOTHING`,
      [...values, l.actionId, l.breakdownType, l.feeDetail],
    );
  }

  // The lines this call stored, by order; null for an order with a line that may not be new
  // (stored before, or from the API, which may have been passed over).
  const stored = new Map<string, SettlementLine[] | null>();
  paidOut.forEach((i, k) => {
    const orderId = orderOf[i];
    if (!orderId) return;
    const known = stored.has(orderId) ? stored.get(orderId) : [];
    if (known && inserted[k]) {
      known.push(lines[i] as SettlementLine);
      stored.set(orderId, known);
    } else stored.set(orderId, null);
  });
  for (const i of pending) {
    const orderId = orderOf[i];
    if (orderId) stored.set(orderId, null);
  }
  const orders = [...new Set(orderOf.filter((o): o is string => o !== null))];
  // The facts were read before these lines were stored: an order had none then, and all it has now
  // are the ones just stored (no line of it was passed over), or it is read back.
  for (const [id, just] of stored) {
    const facts = matched.facts.get(id);
    if (facts && just) facts.lines += just.length;
  }
  const announced = await refreshOrders(tx, orders, at, stored, matched.facts);
  return { orders, announced };
}

/**
 * Orders the lines belong to: by payment id (Handoff's attempts), else by reference (the order id);
 * with what refreshOrders reads of each, in the same statements (before the lines are stored).
 */
async function matchOrders(tx: SqlExecutor, lines: readonly SettlementLine[]) {
  const payments = [...new Set(lines.map((l) => l.paymentId).filter(Boolean))];
  const byPayment = new Map<string, string>();
  const facts = new Map<string, OrderFacts>();
  // An order two of whose payments are in the batch comes once per payment: its facts from the first.
  const via = new Map<string, string>();
  for (const r of await selectIn(
    tx,
    (list) => `SELECT m.payment_id AS matched, ${ORDER_FACTS}
      JOIN payment_attempts m ON m.order_id = o.id WHERE m.payment_id IN (${list})`,
    payments,
  )) {
    const id = String(r.id);
    const payment = String(r.matched);
    byPayment.set(payment, id);
    if ((via.get(id) ?? payment) !== payment) continue;
    via.set(id, payment);
    addFacts(facts, r);
  }
  const references = [
    ...new Set(
      lines
        .filter((l) => !(l.paymentId && byPayment.has(l.paymentId)) && l.reference)
        .map((l) => l.reference),
    ),
  ];
  const byReference = new Map<string, string>();
  for (const reference of references) if (facts.has(reference)) byReference.set(reference, reference);
  for (const r of await selectIn(
    tx,
    (list) => `SELECT ${ORDER_FACTS} WHERE o.id IN (${list})`,
    references.filter((reference) => !facts.has(reference)),
  )) {
    byReference.set(String(r.id), String(r.id));
    addFacts(facts, r);
  }
  return { byPayment, byReference, facts };
}

/** Each order's settlement, written only where something changed: the same lines read again leave every row as it was. */
const UPSERT_ORDERS = {
  head: `INSERT INTO settlement_orders (order_id, status, currency, gross, fees, net, payout_id, problems_json,
    converted, charged_back, fee_only, updated_at)`,
  tail: `ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, currency = excluded.currency,
    gross = excluded.gross, fees = excluded.fees, net = excluded.net, payout_id = excluded.payout_id,
    problems_json = excluded.problems_json, converted = excluded.converted,
    charged_back = excluded.charged_back, fee_only = excluded.fee_only, updated_at = excluded.updated_at
  WHERE settlement_orders.status <> excluded.status OR settlement_orders.currency <> excluded.currency
    OR settlement_orders.gross <> excluded.gross OR settlement_orders.fees <> excluded.fees
    OR settlement_orders.payout_id <> excluded.payout_id
    OR settlement_orders.problems_json <> excluded.problems_json
    OR settlement_orders.converted <> excluded.converted
    OR settlement_orders.charged_back <> excluded.charged_back
    OR settlement_orders.fee_only <> excluded.fee_only`,
  width: 12,
};

/**
 * What refreshOrders reads of each order besides its lines (the columns and joins; the caller adds
 * which orders): a row per attempt (attempts_by_order), captured ones kept by addFacts. A status
 * filter in SQL would let the planner walk attempts_by_status instead: every captured attempt of
 * the shop, for each hundred orders.
 */
const ORDER_FACTS = `o.id, o.currency, s.status, s.payout_id,
    (SELECT COUNT(*) FROM settlement_lines l WHERE l.order_id = o.id) AS line_count,
    (SELECT SUM(r.amount) FROM refunds r WHERE r.order_id = o.id) AS refunded,
    a.status AS attempt_status, a.amount AS attempt_amount, a.currency AS attempt_currency,
    a.payment_id AS attempt_payment_id
  FROM orders o
  LEFT JOIN settlement_orders s ON s.order_id = o.id
  LEFT JOIN payment_attempts a ON a.order_id = o.id`;

/** One row of ORDER_FACTS into `orders`. */
function addFacts(orders: Map<string, OrderFacts>, r: Row): void {
  const id = String(r.id);
  let order = orders.get(id);
  if (!order) {
    order = {
      currency: String(r.currency),
      status: r.status === null ? null : String(r.status),
      payoutId: r.payout_id === null ? null : String(r.payout_id),
      lines: Number(r.line_count),
      refunded: Number(r.refunded ?? 0),
    };
    orders.set(id, order);
  }
  if (CAPTURED.includes(String(r.attempt_status)))
    order.captured = {
      amount: (order.captured?.amount ?? 0) + Number(r.attempt_amount),
      currency: String(r.attempt_currency),
      paymentId: String(r.attempt_payment_id ?? ""),
    };
}

/** What refreshOrders reads of one order besides its lines. */
interface OrderFacts {
  currency: string;
  /** Its settlement as stored before, to announce only what is new. */
  status: string | null;
  payoutId: string | null;
  /** How many lines it has stored. */
  lines: number;
  refunded: number;
  captured?: { amount: number; currency: string; paymentId: string };
}

/**
 * Recomputes the settlement of `orderIds` from their lines and what Handoff charged, stores it, and
 * appends `order.settled` for each that is now settled in a payout not announced before.
 * `stored`: lines just stored, by order; an order that has no others is not read back. `known`:
 * the orders' facts, when the caller has read them (with their lines counted as they are now).
 */
export async function refreshOrders(
  tx: SqlExecutor,
  orderIds: readonly string[],
  at: string,
  stored: ReadonlyMap<string, readonly SettlementLine[] | null>,
  known?: ReadonlyMap<string, OrderFacts>,
): Promise<boolean> {
  if (orderIds.length === 0) return false;
  let orders: ReadonlyMap<string, OrderFacts>;
  if (known) orders = known;
  else {
    const read = new Map<string, OrderFacts>();
    for (const r of await selectIn(tx, (list) => `SELECT ${ORDER_FACTS} WHERE o.id IN (${list})`, orderIds))
      addFacts(read, r);
    orders = read;
  }
  // An order's lines: the ones just stored when they are all it has (a report's first read of a
  // payment, the common case), else read back.
  const lines = new Map<string, readonly SettlementLine[]>();
  const unread: string[] = [];
  for (const [id, order] of orders) {
    const just = stored.get(id);
    if (just && just.length === order.lines) lines.set(id, just);
    else unread.push(id);
  }
  const read = new Map<string, StoredLine[]>();
  for (const r of await selectIn(
    tx,
    (list) => `SELECT ${READ_LINE} FROM settlement_lines WHERE order_id IN (${list})`,
    unread,
  )) {
    const line = storedLineOf(r);
    const list = read.get(String(line.orderId));
    if (list) list.push(line);
    else read.set(String(line.orderId), [line]);
  }
  const settlements: Array<{ orderId: string; status: string; s: OrderSettlement }> = [];
  const events: Array<{ orderId: string; event: HandoffEvent }> = [];
  for (const orderId of orderIds) {
    const order = orders.get(orderId);
    if (order === undefined) continue;
    const charge = order.captured;
    const s: OrderSettlement = settlementOf(
      {
        captured: charge?.amount ?? 0,
        refunded: order.refunded,
        currency: charge?.currency ?? order.currency,
      },
      lines.get(orderId) ?? read.get(orderId) ?? [],
    );
    const status = s.status === "orphan" ? "mismatch" : s.status;
    settlements.push({ orderId, status, s });
    if (status === "settled" && !(order.status === "settled" && order.payoutId === s.payoutId))
      events.push({
        orderId,
        event: orderSettledEvent({
          orderId,
          reference: orderId,
          ...(charge?.paymentId ? { paymentId: charge.paymentId } : {}),
          currency: s.currency,
          gross: formatDecimal(s.gross, s.currency),
          fees: formatDecimal(s.fees, s.currency),
          net: formatDecimal(s.net, s.currency),
          payoutId: s.payoutId,
          occurredAt: at,
        }),
      });
  }
  await insertRows(tx, UPSERT_ORDERS, settlements.length, (values, k) => {
    const { orderId, status, s } = settlements[k] as (typeof settlements)[number];
    values.push(
      orderId,
      status,
      s.currency,
      s.gross,
      s.fees,
      s.net,
      s.payoutId,
      JSON.stringify(s.problems),
      s.converted ? 1 : 0,
      s.chargedBack ? 1 : 0,
      s.feeOnly ? 1 : 0,
      at,
    );
  });
  await appendManyToOutbox(tx, events);
  return events.length > 0;
}
