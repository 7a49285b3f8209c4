import type { SqlExecutor, SqlValue } from "../db/sql-client.js";
import type { InboxEvent } from "./inbox.js";

export type InsertOutcome = "inserted" | "duplicate";

/** Rows per INSERT: a fixed set of statement texts (1…32 rows), well under every engine's parameter limit. */
const ROWS_PER_STATEMENT = 32;
const COLUMNS = "(id, type, raw_body, headers_json, received_at, status, attempts, next_attempt_at)";
const ROW = "(?, ?, ?, ?, ?, 'received', 0, ?)";

function insertSql(rows: number): string {
  return `INSERT INTO webhook_events ${COLUMNS} VALUES ${Array(rows).fill(ROW).join(", ")} ON CONFLICT (id) DO NOTHING`;
}

function argsOf(events: InboxEvent[]): SqlValue[] {
  const args: SqlValue[] = [];
  for (const e of events)
    args.push(e.id, e.type, e.rawBody, JSON.stringify(e.headers), e.receivedAt, e.receivedAt);
  return args;
}

/**
 * Inserts `rows` and returns the ids that were new. PostgreSQL says so itself (RETURNING). On
 * SQLite, RETURNING costs a row object per event and libsql can leave a failed one half-run, so
 * the rows go in at once inside a savepoint: when every one was new (the usual case) that is all;
 * when some were there already, the savepoint is undone and they go in one by one to learn which.
 */
async function insertNew(tx: SqlExecutor, rows: InboxEvent[]): Promise<string[]> {
  if (tx.dialect === "postgres") {
    const result = await tx.execute(`${insertSql(rows.length)} RETURNING id`, argsOf(rows));
    return result.rows.map((r) => String(r.id));
  }
  await tx.execute("SAVEPOINT inbox_rows");
  const all = await tx.execute(insertSql(rows.length), argsOf(rows));
  if (all.rowsAffected === rows.length) {
    await tx.execute("RELEASE inbox_rows");
    return rows.map((e) => e.id);
  }
  await tx.execute("ROLLBACK TO inbox_rows");
  await tx.execute("RELEASE inbox_rows");
  const inserted: string[] = [];
  for (const e of rows) {
    if ((await tx.execute(insertSql(1), argsOf([e]))).rowsAffected === 1) inserted.push(e.id);
  }
  return inserted;
}

/**
 * The inbox's group-commit writer: a burst of events in a few multi-row statements, each caller
 * told whether its event was new. The same event twice in one burst (a retry racing the first
 * delivery) is written once: the first is "inserted", the other "duplicate".
 */
export async function insertEvents(tx: SqlExecutor, events: InboxEvent[]): Promise<InsertOutcome[]> {
  const firstIndex = new Map<string, number>();
  const distinct: InboxEvent[] = [];
  for (const [i, e] of events.entries()) {
    if (firstIndex.has(e.id)) continue;
    firstIndex.set(e.id, i);
    distinct.push(e);
  }
  const inserted = new Set<string>();
  for (let start = 0; start < distinct.length; start += ROWS_PER_STATEMENT) {
    for (const id of await insertNew(tx, distinct.slice(start, start + ROWS_PER_STATEMENT))) inserted.add(id);
  }
  return events.map((e, i) => (firstIndex.get(e.id) === i && inserted.has(e.id) ? "inserted" : "duplicate"));
}
