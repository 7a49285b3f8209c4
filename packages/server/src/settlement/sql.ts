import type { Row, SqlExecutor, SqlValue } from "../db/sql-client.js";

/**
 * SQLite prepares each distinct statement text once and keeps it (db/sqlite.ts), so lists go in
 * fixed sizes: IN lists of IN_SIZE padded with NULL (which matches nothing), inserts in chunks of
 * 100, 10 and 1 rows. A million-line report then uses a handful of statements, not thousands.
 */
export const IN_SIZE = 100;

export function inList(): string {
  return Array.from({ length: IN_SIZE }, () => "?").join(", ");
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

/** Inserts rows of `width` values each: 100 per statement, then 10, then 1. */
export async function insertRows(
  tx: SqlExecutor,
  head: string,
  tail: string,
  width: number,
  rows: readonly SqlValue[][],
): Promise<void> {
  const one = `(${Array.from({ length: width }, () => "?").join(", ")})`;
  let i = 0;
  for (const size of [100, 10, 1]) {
    const text = `${head} VALUES ${Array.from({ length: size }, () => one).join(", ")} ${tail}`;
    while (rows.length - i >= size) {
      await tx.execute(text, rows.slice(i, i + size).flat());
      i += size;
    }
  }
}

/** An exact integer the database returned as text (`CAST(… AS TEXT)`), or 0. */
export function big(value: SqlValue | undefined): bigint {
  if (value === null || value === undefined || value === "") return 0n;
  return BigInt(typeof value === "number" ? Math.trunc(value) : value);
}
