import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import Database from "libsql";
import AsyncDatabase from "libsql/promise";
import { migrate } from "./migrate.js";
import {
  ConstraintError,
  type Row,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
  type SqlStatement,
  type SqlValue,
  StoreUnavailableError,
  type TransactionOptions,
} from "./sql-client.js";

/** A prepared statement, with whether it returns rows asked once (each ask is a call into the driver). */
interface Statement {
  prepared: ReturnType<Database.Database["prepare"]>;
  reader: boolean;
}

/**
 * COMMIT, run on libsql's own threads. With the synchronous API the event loop would sit out the
 * commit's fsync (most of a write's time) doing nothing; libsql's promise API runs the same native
 * exec on the same connection handle off the main thread, so requests keep being read while the
 * disk syncs. Callers still wait for the promise: nothing is acknowledged before it is durable.
 * (`db` is the native handle both APIs keep; libsql is pinned, and every write test goes through here.)
 */
const execOffThread = AsyncDatabase.prototype.exec as (this: { db: unknown }, sql: string) => Promise<void>;
const nativeHandle = (db: Database.Database): unknown => (db as unknown as { db: unknown }).db;
function commitOffThread(db: Database.Database): Promise<void> {
  return execOffThread.call({ db: nativeHandle(db) }, "COMMIT");
}

/** Under load a commit adds tens of WAL pages, so this many stay well under SQLite's own 1,000. */
const COMMITS_PER_CHECKPOINT = 8;

/** SQLite's own checkpoint threshold (its default, in WAL pages), and the one a bulk COMMIT runs with. */
const AUTOCHECKPOINT_PAGES = 1000;
/**
 * A bulk transaction adds some 600 pages (a settlement batch of 4,000 lines), so at 1,000 nearly every
 * other COMMIT would copy the WAL into the database itself while the report's reader waits. At 8,000
 * (32 MB) that is left to the checkpoint started beside the next transaction, SQLite's own kept as
 * the backstop that lets the WAL start over.
 */
const BULK_AUTOCHECKPOINT_PAGES = 8000;

/**
 * Checkpoints on a second connection, off the event loop. SQLite's own checkpoint runs inside the
 * commit that takes the WAL past 1,000 pages: that commit, and every writer queued behind it
 * (a shopper's confirm among them), waits while the pages are copied into the database file and
 * synced. A passive checkpoint, started every few commits, copies them while the next
 * transactions go on (it takes no writer lock), so SQLite's own, kept as the backstop that lets
 * the WAL start over, finds little left to copy. Every few, not every one: a quiet shop does not
 * sync the database file after each of its writes; idle, none runs. After a bulk transaction's
 * commit (megabytes of WAL, not a confirm's few pages), one starts at once.
 */
class Checkpointer {
  private connection: Database.Database | undefined;
  private running: Promise<void> | undefined;
  private commits = 0;

  constructor(private readonly path: string) {}

  /**
   * Called after each commit: starts a checkpoint every COMMITS_PER_CHECKPOINT, or after a bulk
   * one, unless one is under way.
   */
  committed(bulk = false): void {
    if ((++this.commits < COMMITS_PER_CHECKPOINT && !bulk) || this.running) return;
    this.commits = 0;
    try {
      if (!this.connection) {
        this.connection = new Database(this.path);
        this.connection.exec("PRAGMA synchronous = FULL");
      }
    } catch {
      return; // the file cannot be opened a second time now: SQLite's own checkpoint still runs
    }
    this.running = execOffThread
      .call({ db: nativeHandle(this.connection) }, "PRAGMA wal_checkpoint(PASSIVE)")
      // A failed checkpoint (a full disk) loses nothing: the pages stay in the WAL for the next one.
      .catch(() => {})
      .finally(() => {
        this.running = undefined;
      });
  }

  async close(): Promise<void> {
    await this.running;
    this.connection?.close();
    this.connection = undefined;
  }
}

function classify(error: unknown): Error {
  const code = (error as { code?: string }).code ?? "";
  const text = `${code} ${error instanceof Error ? error.message : String(error)}`;
  if (/UNIQUE|PRIMARYKEY/i.test(code)) return new ConstraintError(text, "unique");
  if (/CHECK/i.test(code)) return new ConstraintError(text, "check");
  if (/CONSTRAINT/i.test(code)) return new ConstraintError(text, "other");
  return new StoreUnavailableError(text.trim());
}

/**
 * SQLite through libsql's synchronous, better-sqlite3-compatible engine: each distinct SQL text is
 * prepared once and reused (the stores use a fixed set). Statements run on the event loop (they
 * take microseconds); COMMIT runs off it (above). Writes go through IMMEDIATE transactions
 * that roll back whole on any error, COMMIT failures (SQLITE_BUSY, SQLITE_FULL) included, so the
 * connection is never left inside a broken transaction. There is one connection: while a
 * `transaction(work)` is open, every other caller waits for it (the gate), so nothing of theirs
 * lands inside it, nor runs while its COMMIT is on the other thread.
 *
 * A statement that fails (SQLITE_BUSY, SQLITE_FULL) stays "in progress" in libsql until it runs
 * again, and until then every COMMIT on the connection fails. So when a statement fails in the
 * store itself, the connection is closed and opened afresh: the next request finds a clean one. A
 * failed COMMIT (run through exec) leaves nothing half-run, so it is only rolled back: libsql keeps
 * some of every connection closed, which a full disk, failing every commit, would pile up.
 */
class LibsqlSqlClient implements SqlClient {
  readonly dialect = "sqlite" as const;
  private readonly statements = new Map<string, Statement>();
  private db!: Database.Database;
  /** Settles when the open `transaction(work)` ends; undefined when none is open. */
  private gate: Promise<void> | undefined;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly tx: SqlExecutor = {
    dialect: "sqlite",
    execute: async (sql, args = []) => {
      try {
        return this.run(sql, args);
      } catch (error) {
        throw this.failed(error);
      }
    },
    // In-process: a statement costs no round trip, so there is nothing to gain by holding it.
    write: async (sql, args = []) => {
      await this.tx.execute(sql, args);
    },
  };

  constructor(private readonly path: string) {
    this.connect();
    if (path !== ":memory:") this.checkpointer = new Checkpointer(path);
  }

  private connect(): void {
    this.statements.clear();
    this.db = new Database(this.path);
    if (this.path !== ":memory:") this.db.exec("PRAGMA journal_mode = WAL");
    // Explicit: better-sqlite3-style builds default WAL to NORMAL, which can lose the last commits on power loss.
    this.db.exec("PRAGMA synchronous = FULL");
    this.db.exec("PRAGMA foreign_keys = ON");
    // No driver-side wait: it would sleep on the event loop, and every route would stall behind a write
    // lock another process holds. The wait happens in `whenFree`, asynchronously.
    this.db.exec("PRAGMA busy_timeout = 0");
  }

  /**
   * Runs `step` (a statement that may need the write lock), trying again while another process holds
   * that lock, for up to BUSY_WAIT_MS; then the write fails (a 503). The retries are timers, so reads and
   * other requests go on meanwhile. `step` runs with no await between the gate check and the statement.
   */
  private async whenFree<T>(step: () => T): Promise<T> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
      while (this.gate) await this.gate;
      try {
        return step();
      } catch (error) {
        if (!isBusy(error) || Date.now() + pause > deadline) throw this.failed(error);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** Classifies a driver error; a store failure also leaves the connection clean for the next caller. */
  private failed(error: unknown): Error {
    const classified = classify(error);
    if (classified instanceof StoreUnavailableError && this.path !== ":memory:") {
      try {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        this.db.close();
      } catch {
        // closing a connection that failed: nothing more to save
      }
      try {
        this.connect();
      } catch {
        // The file cannot even be opened now; the next call fails and tries again.
      }
    }
    return classified;
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const prepared = this.db.prepare(sql);
      statement = { prepared, reader: prepared.reader };
      // The stores use a fixed set of statements; ad-hoc SQL (operators, tests) must not grow this without end.
      if (this.statements.size < 500) this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, args: SqlValue[]): SqlResult {
    const { prepared, reader } = this.statement(sql);
    if (reader) return { rows: prepared.all(args) as Row[], rowsAffected: 0 };
    return { rows: [], rowsAffected: Number(prepared.run(args).changes) };
  }

  async execute(sql: string, args: SqlValue[] = []): Promise<SqlResult> {
    // A write on its own is a transaction of one, so its COMMIT (and fsync) runs off the event loop
    // too: run bare, SQLite commits it inside the call, and every request waits for the disk.
    if (this.isWrite(sql)) return this.transaction(async () => this.run(sql, args));
    return this.whenFree(() => this.run(sql, args));
  }

  /** Whether `sql` writes; SQL that cannot be prepared is left to `run`, which reports it as every failure is. */
  private isWrite(sql: string): boolean {
    try {
      return !this.statement(sql).reader;
    } catch {
      return false;
    }
  }

  async write(sql: string, args: SqlValue[] = []): Promise<void> {
    await this.execute(sql, args);
  }

  async batch(statements: SqlStatement[]): Promise<SqlResult[]> {
    return this.transaction(async () => statements.map((s) => this.run(s.sql, s.args ?? [])));
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    let open!: () => void;
    const bulk = options.bulk === true && this.checkpointer !== undefined;
    // The gate closes in the same step BEGIN succeeds in (no await between), so nothing else lands inside.
    await this.whenFree(() => {
      this.statement("BEGIN IMMEDIATE").prepared.run([]);
      this.gate = new Promise((resolve) => {
        open = resolve;
      });
    });
    try {
      let result: T;
      try {
        if (bulk) this.autocheckpoint(BULK_AUTOCHECKPOINT_PAGES);
        result = await work(this.tx);
        await commitOffThread(this.db).catch((error: unknown) => {
          // A COMMIT that fails (a full disk) leaves no statement half-run: it goes through exec, not a
          // prepared statement. The rollback below is all it needs; reopening the connection would not
          // help, and libsql keeps some 170 KB of every connection closed after it prepared statements.
          // Unless a statement is still half-run from before: then only a fresh connection commits.
          throw halfRun(error) ? error : classify(error);
        });
        this.checkpointer?.committed(bulk);
      } catch (error) {
        if (this.db.inTransaction) this.statement("ROLLBACK").prepared.run([]);
        throw error instanceof ConstraintError || error instanceof StoreUnavailableError
          ? error
          : isSqliteError(error)
            ? this.failed(error)
            : error;
      }
      return result;
    } finally {
      // Before the gate opens: the next writer's COMMIT checkpoints at SQLite's usual size.
      if (bulk) this.autocheckpoint(AUTOCHECKPOINT_PAGES);
      this.gate = undefined;
      open();
    }
  }

  /** SQLite's own checkpoint threshold for this connection's next COMMITs; a failure leaves the one it had. */
  private autocheckpoint(pages: number): void {
    try {
      this.db.exec(`PRAGMA wal_autocheckpoint = ${pages}`);
    } catch {
      // the connection was just closed and opened afresh (`failed`): it has SQLite's default
    }
  }

  async close(): Promise<void> {
    while (this.gate) await this.gate;
    await this.checkpointer?.close();
    this.statements.clear();
    this.db.close();
  }
}

/** How long a write waits for a lock another process holds before it fails (and the route answers 503). */
const BUSY_WAIT_MS = 250;

function isBusy(error: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? "");
}

/** The COMMIT was refused because a failed statement is still "in progress" (see `LibsqlSqlClient`). */
function halfRun(error: unknown): boolean {
  return /statements in progress/i.test(error instanceof Error ? error.message : String(error));
}

function isSqliteError(error: unknown): boolean {
  return /^SQLITE_/.test((error as { code?: string }).code ?? "");
}

/**
 * Opens (creating if needed) the SQLite database at `file:…` and applies migrations. One
 * connection, one transaction at a time, so a batch is atomic and the durability pragmas (WAL,
 * synchronous=FULL) hold for every write.
 */
export async function openSqlite(url: string): Promise<SqlClient> {
  if (!url.startsWith("file:"))
    throw new Error(`DATABASE_URL must start with file: for SQLite, got "${url}"`);
  const path = url.slice("file:".length);
  if (path !== ":memory:") await mkdir(dirname(path), { recursive: true });
  const sql: SqlClient = new LibsqlSqlClient(path);
  await migrate(sql);
  return sql;
}
