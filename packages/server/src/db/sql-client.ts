/**
 * The only database surface the stores use: portable SQL with `?` placeholders, one statement or
 * an atomic batch. SQLite (libsql) implements it here; PostgreSQL is the same queries with another
 * driver (placeholders rewritten to `$n`).
 */
export type SqlValue = string | number | bigint | null;
export type Row = Record<string, SqlValue>;

export interface SqlStatement {
  sql: string;
  args?: SqlValue[];
}

export interface SqlResult {
  rows: Row[];
  rowsAffected: number;
}

export interface SqlClient {
  execute(sql: string, args?: SqlValue[]): Promise<SqlResult>;
  /** All statements in one transaction: every one applies, or none does. */
  batch(statements: SqlStatement[]): Promise<SqlResult[]>;
  close(): Promise<void>;
}

/** A constraint said no (unique key, CHECK): an expected outcome the caller maps, not a crash. */
export class ConstraintError extends Error {
  override name = "ConstraintError";
  constructor(
    message: string,
    readonly kind: "unique" | "check" | "other",
  ) {
    super(message);
  }
}

/** The store could not read or write at all (disk, lock, closed): callers answer 503. */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}
