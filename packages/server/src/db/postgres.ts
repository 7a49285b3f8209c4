import type { Writable } from "node:stream";
import pg from "pg";
import type { Logger } from "../deps.js";
import { handoffTables, MIGRATION_LOCK, migrate } from "./migrate.js";
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
import { DEFAULT_DATABASE_SCHEMA, databaseSchema, isPostgresUrl } from "./url.js";

export interface PostgresOptions {
  /** Connections per instance. Default 10. */
  poolSize?: number;
  /** How long a request waits for a free connection before the store answers unavailable. Default 5 s. */
  connectionTimeoutMs?: number;
  /** How this instance's connections are named in pg_stat_activity. Default "handoff". */
  applicationName?: string;
  /**
   * The schema that holds every Handoff table, so a database that already has an `orders` (or any
   * other) table of its own keeps it untouched. Created when missing; every pooled connection uses
   * it as its only `search_path`. Lowercase letters, digits and underscores. Default "handoff".
   *
   * Tables in `public` from a version before schemas are kept there: with the default, Handoff goes
   * on using `public` and warns once, with the SQL that moves them; with another name it refuses to
   * start until they are moved (or `schema` is "public"). Nothing is moved without an operator.
   */
  schema?: string;
  /** Where start-up warnings go (tables still in `public`). Default: the console. */
  logger?: Pick<Logger, "warn">;
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

/** The table a plain INSERT, UPDATE or DELETE writes; undefined for anything else. */
function writtenTable(sql: string): string | undefined {
  return /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([\w."]+)/i.exec(sql)?.[1]?.toLowerCase();
}

/**
 * Takes the held writes off the front of `held` that can share one statement, and makes it: each
 * in its own WITH, the last as the statement itself. PostgreSQL runs a statement's WITH parts on one
 * snapshot and in no set order, so a part never shares a statement with another write to its table
 * (two rows of one timeline keep their order); a write that is not a plain INSERT/UPDATE/DELETE goes alone.
 */
function combined(held: SqlStatement[]): { sql: string; args: SqlValue[] } {
  const tables = new Set<string>();
  let count = 0;
  for (const statement of held) {
    const table = writtenTable(statement.sql);
    if (!table || tables.has(table)) break;
    tables.add(table);
    count++;
  }
  const group = held.splice(0, Math.max(1, count));
  const last = group.at(-1) as SqlStatement;
  const parts = group.slice(0, -1).map((s, i) => `w${i} AS (${s.sql})`);
  return {
    sql: parts.length > 0 ? `WITH ${parts.join(", ")} ${last.sql}` : last.sql,
    args: group.flatMap((s) => s.args ?? []),
  };
}

/** The sockets held until the end of this turn of the event loop (see `together`). */
const corked = new WeakSet<object>();

/**
 * Runs `send`, which starts statements on `client` without waiting for their answers. What is
 * sent in this turn of the event loop (this, and what the code it resumes sends before it waits)
 * leaves in one write to the socket, one wake-up of the server, not one each.
 */
function together<T>(client: pg.PoolClient, send: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: Partial<Writable> } }).connection?.stream;
  if (stream?.cork && stream.uncork && !corked.has(stream)) {
    corked.add(stream);
    stream.cork();
    process.nextTick(() => {
      corked.delete(stream);
      stream.uncork?.();
    });
  }
  return send();
}

/**
 * PostgreSQL through `pg` with a pool. Each SQL text is rewritten once and sent as a named
 * prepared statement, so a connection parses it once. A transaction holds one pooled connection
 * from BEGIN to COMMIT; a failed one is rolled back before the connection goes back. Connections
 * pipeline (pg's `pipeline`): statements started together go out together, answered in order.
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

  async write(sql: string, args?: SqlValue[]): Promise<void> {
    await this.run(this.pool, sql, args);
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
    const held: SqlStatement[] = [];
    // Sent now, in order, answers not awaited: the connection pipelines them with what follows.
    const sendHeld = (): Promise<SqlResult>[] => {
      const sent: Promise<SqlResult>[] = [];
      while (held.length > 0) {
        const { sql, args } = combined(held);
        sent.push(this.run(client, sql, args));
      }
      return sent;
    };
    // BEGIN leaves with the transaction's first statements, and COMMIT with its last writes: the
    // server still runs each one after the one before, in order (a read sent after a lock runs once
    // the lock is held, on a snapshot taken then), so only the waiting between them goes. Every
    // answer is awaited before anything is decided on it, BEGIN's first; a statement that fails
    // aborts the transaction, so those after it fail too and COMMIT only rolls it back.
    let begun: Promise<unknown> = Promise.resolve();
    const tx: SqlExecutor = {
      dialect: "postgres",
      execute: async (sql, args) => {
        const sent = together(client, () => [...sendHeld(), this.run(client, sql, args)]);
        await Promise.all([begun, ...sent]);
        return sent.at(-1) as Promise<SqlResult>;
      },
      write: async (sql, args = []) => {
        held.push({ sql, args });
      },
    };
    let broken: Error | undefined;
    try {
      // What the work sends before it first waits leaves in one write with BEGIN.
      const working = together(client, () => {
        begun = client.query("BEGIN");
        // Awaited with every statement; until then a refused BEGIN is not an unhandled rejection.
        begun.catch(() => undefined);
        try {
          return work(tx);
        } catch (error) {
          return Promise.reject(error);
        }
      });
      const result = await working;
      await Promise.all([begun, ...together(client, () => [...sendHeld(), client.query("COMMIT")])]);
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

/**
 * `search_path` as a connection start-up parameter, so it holds for every connection the pool opens
 * (transactions included) with no query of ours. pg lets a URL's own `options=` win over the one in
 * the config, so one in the URL (Neon's `endpoint=…`, a `statement_timeout`) gets ours appended.
 */
function connectionWithSearchPath(
  url: string,
  schema: string,
): { connectionString: string; options?: string } {
  const setting = `-c search_path=${schema}`;
  const param = /([?&])options=([^&#]*)/g;
  if (!url.match(param)) return { connectionString: url, options: setting };
  const merged = url.replace(param, (_, separator: string, value: string) => {
    let existing: string;
    try {
      existing = decodeURIComponent(value.replace(/\+/g, " "));
    } catch {
      existing = value;
    }
    return `${separator}options=${encodeURIComponent(`${existing} ${setting}`)}`;
  });
  return { connectionString: merged };
}

/** `ALTER TABLE … SET SCHEMA` for each Handoff table, in one transaction: what moves an install out of `public`. */
export function moveFromPublicSql(schema: string): string {
  return [
    "BEGIN;",
    `CREATE SCHEMA IF NOT EXISTS "${schema}";`,
    ...handoffTables().map((table) => `ALTER TABLE IF EXISTS public.${table} SET SCHEMA "${schema}";`),
    "COMMIT;",
  ].join("\n");
}

/**
 * Under the migration lock: makes sure the connections really use `schema` (a pooler may drop
 * start-up parameters), then creates it when missing, or finds Handoff's tables still in `public`.
 * Returns the schema to use.
 */
async function placeSchema(sql: PgSqlClient, schema: string): Promise<string> {
  return sql.transaction(async (tx) => {
    await tx.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK]);
    const path = String((await tx.execute("SELECT current_setting('search_path') AS path")).rows[0]?.path);
    if (path.replace(/"/g, "").trim() !== schema)
      throw new Error(
        `PostgreSQL ignored search_path=${schema} (this connection has "${path}"): connect without a pooler ` +
          `that drops start-up options, or set it for the role: ALTER ROLE … SET search_path = ${schema}`,
      );
    const exists = async (table: string, inSchema: string) =>
      (
        await tx.execute(
          "SELECT 1 AS found FROM pg_catalog.pg_tables WHERE schemaname = ? AND tablename = ?",
          [inSchema, table],
        )
      ).rows.length > 0;
    if (schema !== "public" && !(await exists("schema_migrations", schema))) {
      // Handoff's own schema_migrations (not another tool's) and one of its tables: an install from before schemas.
      const { rows } = await tx.execute(
        `SELECT COUNT(*) AS n FROM pg_catalog.pg_attribute
          WHERE attrelid = to_regclass('public.schema_migrations') AND attnum > 0 AND NOT attisdropped
            AND ((attname = 'version' AND atttypid = 'int4'::regtype)
              OR (attname = 'applied_at' AND atttypid = 'text'::regtype))
            AND to_regclass('public.payment_attempts') IS NOT NULL`,
      );
      if (Number(rows[0]?.n) === 2) {
        if (schema !== DEFAULT_DATABASE_SCHEMA)
          throw new Error(
            `Handoff's tables are in the "public" schema (an install from before schemas) and schema "${schema}" ` +
              `has none. Stop every instance and move them:\n${moveFromPublicSql(schema)}\n` +
              `or keep them where they are with the schema set to "public".`,
          );
        return "public";
      }
    }
    const { rows } = await tx.execute("SELECT 1 AS found FROM pg_catalog.pg_namespace WHERE nspname = ?", [
      schema,
    ]);
    // Only when missing: CREATE SCHEMA checks the right to create before IF NOT EXISTS, and a role may lack it.
    if (rows.length === 0) await tx.execute(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    return schema;
  });
}

/**
 * Connects to `postgres://…` (or `postgresql://…`), in Handoff's own schema (see
 * `PostgresOptions.schema`), and applies migrations there.
 */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<SqlClient> {
  if (!isPostgresUrl(url))
    throw new Error(`DATABASE_URL must start with postgres:// for PostgreSQL, got "${url}"`);
  const wanted = databaseSchema(options.schema);
  const connect = (schema: string) => {
    const pool = new pg.Pool({
      ...connectionWithSearchPath(url, schema),
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      application_name: options.applicationName ?? "handoff",
      // Statements of one transaction are sent without waiting for the answer before (see `transaction`).
      pipeline: true,
    });
    // An idle connection the server drops (restart, failover) must not crash the process; the next query reconnects.
    pool.on("error", () => {});
    return new PgSqlClient(pool);
  };
  let sql = connect(wanted);
  try {
    const schema = await placeSchema(sql, wanted);
    if (schema !== wanted) {
      await sql.close();
      sql = connect(schema);
      const move = moveFromPublicSql(wanted);
      const message =
        `Handoff's tables are in the "public" schema (an install from before schemas): still using "public". ` +
        `To give them a schema of their own, stop every instance and run the SQL in "move"; ` +
        `to keep them in "public" and silence this, set the database schema to "public".`;
      if (options.logger) options.logger.warn({ schema, wanted, move }, message);
      else console.warn(`${message}\n${move}`);
    }
    await migrate(sql);
  } catch (error) {
    await sql.close();
    throw error;
  }
  return sql;
}
