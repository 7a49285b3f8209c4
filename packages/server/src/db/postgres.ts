import pg from "pg";
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
} from "./sql-client.js";
import { isPostgresUrl } from "./url.js";

export interface PostgresOptions {
  /** Connections per instance. Default 10. */
  poolSize?: number;
  /** How long a request waits for a free connection before the store answers unavailable. Default 5 s. */
  connectionTimeoutMs?: number;
  /** How this instance's connections are named in pg_stat_activity. Default "handoff". */
  applicationName?: string;
}

/** SQLSTATE classes: 23 integrity (an expected refusal), 42 a mistake in our SQL (a bug, kept as is). */
function classify(error: unknown): Error {
  const e = error as { code?: string; constraint?: string; detail?: string; message?: string };
  const code = e.code ?? "";
  const text = [code, e.message, e.constraint, e.detail].filter(Boolean).join(" ");
  if (code === "23505") return new ConstraintError(text, "unique");
  if (code === "23514") return new ConstraintError(text, "check");
  if (code.startsWith("23")) return new ConstraintError(text, "other");
  if (code.startsWith("42") || code === "22P02") return error as Error;
  // Connection refused or lost, too many clients, shut down, deadlock, serialization: try again later.
  return new StoreUnavailableError(text || String(error));
}

/** `?` placeholders become `$1…$n` (none of our SQL has a `?` inside a string literal). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/**
 * PostgreSQL through `pg` with a pool. Each SQL text is rewritten once and sent as a named
 * prepared statement, so a connection parses it once. A transaction holds one pooled connection
 * from BEGIN to COMMIT; a failed one is rolled back before the connection goes back.
 */
class PgSqlClient implements SqlClient {
  readonly dialect = "postgres" as const;
  private readonly texts = new Map<string, { text: string; name?: string }>();

  constructor(private readonly pool: pg.Pool) {}

  private prepared(sql: string): { text: string; name?: string } {
    let found = this.texts.get(sql);
    if (!found) {
      // Ad-hoc SQL (operators, tests) runs unnamed once the fixed set is in, so nothing grows without end.
      found =
        this.texts.size < 500
          ? { text: numbered(sql), name: `h${this.texts.size}` }
          : { text: numbered(sql) };
      this.texts.set(sql, found);
    }
    return found;
  }

  private async run(on: Queryable, sql: string, args: SqlValue[] = []): Promise<SqlResult> {
    const { text, name } = this.prepared(sql);
    try {
      const result = await on.query<Row>({
        text,
        values: args.map((a) => (typeof a === "bigint" ? a.toString() : a)),
        ...(name ? { name } : {}),
      });
      return { rows: result.rows ?? [], rowsAffected: result.rowCount ?? 0 };
    } catch (error) {
      throw classify(error);
    }
  }

  execute(sql: string, args?: SqlValue[]): Promise<SqlResult> {
    return this.run(this.pool, sql, args);
  }

  batch(statements: SqlStatement[]): Promise<SqlResult[]> {
    return this.transaction(async (tx) => {
      const results: SqlResult[] = [];
      for (const s of statements) results.push(await tx.execute(s.sql, s.args));
      return results;
    });
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw classify(error);
    }
    const tx: SqlExecutor = { dialect: "postgres", execute: (sql, args) => this.run(client, sql, args) };
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const result = await work(tx);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollback) {
        // The connection itself is gone: do not hand it to the next caller.
        broken = rollback as Error;
      }
      throw error instanceof ConstraintError || error instanceof StoreUnavailableError
        ? error
        : (error as { code?: string }).code
          ? classify(error)
          : error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connects to `postgres://…` (or `postgresql://…`) and applies migrations. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<SqlClient> {
  if (!isPostgresUrl(url))
    throw new Error(`DATABASE_URL must start with postgres:// for PostgreSQL, got "${url}"`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    application_name: options.applicationName ?? "handoff",
  });
  // An idle connection the server drops (restart, failover) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const sql = new PgSqlClient(pool);
  try {
    await migrate(sql);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return sql;
}
