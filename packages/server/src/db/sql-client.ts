/**
 * The only database surface the stores use: portable SQL with `?` placeholders that SQLite and
 * PostgreSQL both accept, one statement, an atomic batch, or a transaction the use cases run their
 * steps in. `sqlite.ts` and `postgres.ts` implement it; the few engine differences (row locks,
 * `SKIP LOCKED`) are spelled by `lockClause`.
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

export type Dialect = "sqlite" | "postgres";

/** Runs statements: the whole database, or one open transaction. */
export interface SqlExecutor {
  readonly dialect: Dialect;
  execute(sql: string, args?: SqlValue[]): Promise<SqlResult>;
  /**
   * A write whose answer nobody reads (a timeline row, an outbox entry, a new status). Inside a
   * PostgreSQL transaction it is held and sent with the transaction's next statement or its COMMIT,
   * several at once as one statement (one round trip); anything read afterwards sees it, and a
   * failure still rolls the whole transaction back. Elsewhere it runs at once.
   */
  write(sql: string, args?: SqlValue[]): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  /** All statements in one transaction: every one applies, or none does. */
  batch(statements: SqlStatement[]): Promise<SqlResult[]>;
  /**
   * Runs `work` in one transaction: it commits when `work` resolves and rolls back when it throws.
   * Everything inside must go through `tx`; the client itself waits until the transaction ends.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface TransactionOptions {
  /**
   * The transaction writes megabytes (a settlement report's lines): SQLite copies its WAL into the
   * database beside the next transactions rather than inside this one's COMMIT. PostgreSQL ignores it.
   */
  bulk?: boolean;
}

/**
 * The row-locking suffix of a SELECT. PostgreSQL locks the rows (and with `skipLocked` passes over
 * rows another instance holds); SQLite needs none, its write transactions already run one at a time.
 */
export function lockClause(dialect: Dialect, mode: "update" | "skip_locked", of?: string): string {
  if (dialect === "sqlite") return "";
  const table = of ? ` OF ${of}` : "";
  return mode === "update" ? ` FOR UPDATE${table}` : ` FOR UPDATE${table} SKIP LOCKED`;
}

/**
 * An email as the console compares it: lower-cased and in byte order, the expression the index
 * `orders_by_email_bytes` holds. Byte order makes "starts with" a plain range on that index on both
 * engines; PostgreSQL's default collation (en_US and the like) does not sort by bytes.
 */
export function emailKey(dialect: Dialect, column = "customer_email"): string {
  return `LOWER(${column})${dialect === "postgres" ? ' COLLATE "C"' : ""}`;
}

/** What every email starting with a prefix sorts below, in byte order: the prefix and the highest code point. */
export const EMAIL_PREFIX_END = "\u{10FFFF}";

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

declare const transactionBrand: unique symbol;
/**
 * An open transaction as the ports see it: something to hand back, nothing to run SQL on. The
 * inventory gets one inside confirm and settle; only a store in the same database can open it.
 */
export interface TransactionHandle {
  readonly [transactionBrand]: true;
}

const executors = new WeakMap<TransactionHandle, { tx: SqlExecutor; db: SqlClient }>();

/** Wraps an open transaction of `db` for code that must not see SQL. */
export function handleFor(tx: SqlExecutor, db: SqlClient): TransactionHandle {
  const handle = Object.freeze({}) as TransactionHandle;
  executors.set(handle, { tx, db });
  return handle;
}

/**
 * The transaction behind a handle, for an adapter whose data lives in the same database; with `of`,
 * only when the transaction is known to be one of that database.
 */
export function executorOf(handle: TransactionHandle | undefined, of?: SqlClient): SqlExecutor | undefined {
  const open = handle ? executors.get(handle) : undefined;
  return open && (of === undefined || open.db === of) ? open.tx : undefined;
}
