import type { Row, SqlExecutor, SqlValue } from "../db/sql-client.js";

/**
 * SQLite prepares each distinct statement text once and keeps it (db/sqlite.ts), so lists go in
 * fixed sizes: IN lists of IN_SIZE padded with NULL (which matches nothing), inserts in chunks of
 * 100, 25, 5 and 1 rows. A million-line report then uses a handful of statements, not thousands.
 */
export const IN_SIZE = 100;

const IN_LIST = Array.from({ length: IN_SIZE }, () => "?").join(", ");

export function inList(): string {
  return IN_LIST;
}

/** Values in chunks of IN_SIZE, each padded with NULL to IN_SIZE. */
export function* inChunks(values: readonly SqlValue[]): Generator<SqlValue[]> {
  for (let i = 0; i < values.length; i += IN_SIZE) {
    const chunk = values.slice(i, i + IN_SIZE);
    while (chunk.length < IN_SIZE) chunk.push(null);
    yield chunk;
  }
}

/** Rows of `SELECT … WHERE column IN (list)` over every value, IN_SIZE at a time. */
export async function selectIn(
  tx: SqlExecutor,
  sql: (list: string) => string,
  values: readonly SqlValue[],
  before: SqlValue[] = [],
): Promise<Row[]> {
  const rows: Row[] = [];
  const text = sql(inList());
  for (const chunk of inChunks(values)) rows.push(...(await tx.execute(text, [...before, ...chunk])).rows);
  return rows;
}

/**
 * Inserts `count` rows, `put` laying out the values of row `i`: 100 rows per statement, then 25,
 * 5 and 1, each statement's values built as it is sent (no array per row, none for all the rows).
 * Returns, per row, whether it is known to be new: its statement inserted every row it had (with
 * ON CONFLICT DO NOTHING, a statement that skipped some does not say which).
 */
export async function insertRows(
  tx: SqlExecutor,
  sql: {
    head: string;
    tail: string;
    width: number;
    /** One row's placeholders, when not `width` bare ones (casts, for PostgreSQL's typing). */
    row?: string;
    /** What the rows go through (an INSERT … SELECT from them); default `VALUES rows`. */
    rows?: (values: string) => string;
  },
  count: number,
  put: (values: SqlValue[], i: number) => void,
  /** Values bound once per statement, before the rows' (the `?` that come first in `rows`). */
  before: readonly SqlValue[] = [],
): Promise<boolean[]> {
  const one = sql.row ?? `(${Array.from({ length: sql.width }, () => "?").join(", ")})`;
  const inserted: boolean[] = [];
  for (const size of [100, 25, 5, 1]) {
    const list = Array.from({ length: size }, () => one).join(", ");
    const text = `${sql.head} ${sql.rows ? sql.rows(list) : `VALUES ${list}`} ${sql.tail}`;
    while (count - inserted.length >= size) {
      const values: SqlValue[] = [...before];
      for (let i = inserted.length; i < inserted.length + size; i++) put(values, i);
      const { rowsAffected } = await tx.execute(text, values);
      for (let k = 0; k < size; k++) inserted.push(rowsAffected === size);
    }
  }
  return inserted;
}

/** An exact integer the database returned as text (`CAST(… AS TEXT)`), or 0. */
export function big(value: SqlValue | undefined): bigint {
  if (value === null || value === undefined || value === "") return 0n;
  return BigInt(typeof value === "number" ? Math.trunc(value) : value);
}
