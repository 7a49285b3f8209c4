import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { type Client, createClient, LibsqlError } from "@libsql/client";
import { MIGRATIONS } from "./migrations.js";
import {
  ConstraintError,
  type SqlClient,
  type SqlResult,
  type SqlStatement,
  type SqlValue,
  StoreUnavailableError,
} from "./sql-client.js";

function classify(error: unknown): Error {
  const code = error instanceof LibsqlError ? `${error.code} ${error.message}` : String(error);
  if (/UNIQUE|PRIMARYKEY/i.test(code)) return new ConstraintError(code, "unique");
  if (/CHECK/i.test(code)) return new ConstraintError(code, "check");
  if (/CONSTRAINT/i.test(code)) return new ConstraintError(code, "other");
  return new StoreUnavailableError(error instanceof Error ? error.message : code);
}

function toResult(result: { rows: unknown[]; rowsAffected: number }): SqlResult {
  return { rows: result.rows as SqlResult["rows"], rowsAffected: result.rowsAffected };
}

class LibsqlSqlClient implements SqlClient {
  constructor(private readonly client: Client) {}

  async execute(sql: string, args: SqlValue[] = []): Promise<SqlResult> {
    try {
      return toResult(await this.client.execute({ sql, args }));
    } catch (error) {
      throw classify(error);
    }
  }

  async batch(statements: SqlStatement[]): Promise<SqlResult[]> {
    try {
      const results = await this.client.batch(
        statements.map((s) => ({ sql: s.sql, args: s.args ?? [] })),
        "write",
      );
      return results.map(toResult);
    } catch (error) {
      throw classify(error);
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/**
 * Opens (creating if needed) the SQLite database at `file:…` and applies migrations. One
 * connection: every statement is synchronous underneath, so a batch is atomic and the durability
 * pragmas (WAL, synchronous=FULL) hold for every write.
 */
export async function openSqlite(url: string): Promise<SqlClient> {
  if (!url.startsWith("file:"))
    throw new Error(`DATABASE_URL must start with file: for SQLite, got "${url}"`);
  const path = url.slice("file:".length);
  if (path !== ":memory:") await mkdir(dirname(path), { recursive: true });
  const sql: SqlClient = new LibsqlSqlClient(createClient({ url, concurrency: 1 }));
  if (path !== ":memory:") await sql.execute("PRAGMA journal_mode = WAL");
  await sql.execute("PRAGMA synchronous = FULL");
  await sql.execute("PRAGMA foreign_keys = ON");
  // Another process holding the write lock makes a write fail fast (503) rather than block every route:
  // this driver waits synchronously, so a long busy timeout would freeze the event loop.
  await sql.execute("PRAGMA busy_timeout = 250");
  await migrate(sql);
  return sql;
}

export async function migrate(sql: SqlClient): Promise<void> {
  await sql.execute(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
  );
  const done = new Set(
    (await sql.execute("SELECT version FROM schema_migrations")).rows.map((r) => Number(r.version)),
  );
  for (const [index, statements] of MIGRATIONS.entries()) {
    const version = index + 1;
    if (done.has(version)) continue;
    await sql.batch([
      ...statements.map((s) => ({ sql: s })),
      {
        sql: "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
        args: [version, new Date().toISOString()],
      },
    ]);
  }
}
