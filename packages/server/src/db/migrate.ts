import { MIGRATIONS } from "./migrations.js";
import type { Dialect, SqlClient } from "./sql-client.js";

/**
 * Any number that is ours alone: instances starting together take turns migrating. One lock for the
 * whole database, whatever schema an instance uses (installs in two schemas only wait for each other),
 * and the same number as before schemas, so an older instance in a rolling deploy still takes turns.
 */
export const MIGRATION_LOCK = 0x68616e64;

/**
 * The migrations are written once, in SQL both engines accept; the only words that differ are how
 * a table numbers its own rows and the name of byte order (SQLite's BINARY is PostgreSQL's "C").
 */
export function forDialect(statement: string, dialect: Dialect): string {
  if (dialect === "sqlite") return statement;
  return statement
    .replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, "BIGSERIAL PRIMARY KEY")
    .replace(/COLLATE BINARY/g, 'COLLATE "C"');
}

/** Every table the migrations create, `schema_migrations` first. */
export function handoffTables(): string[] {
  const created = MIGRATIONS.flat().flatMap((statement) =>
    [...statement.matchAll(/\bCREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1] as string),
  );
  return [...new Set(["schema_migrations", ...created])];
}

/**
 * Applies the migrations not applied yet, each in one transaction with its version row. On
 * PostgreSQL everything is created unqualified, so in the first schema of the connection's
 * `search_path`: `openPostgres` sets that to Handoff's own schema on every connection.
 */
export async function migrate(sql: SqlClient): Promise<void> {
  // SQLite: a database already up to date needs no write lock, so a process opening one that a busy
  // shop is writing (a second reader, a restart during a webhook burst) does not wait on its writers.
  if (sql.dialect === "sqlite" && (await upToDate(sql))) return;
  await sql.transaction(async (tx) => {
    if (tx.dialect === "postgres") {
      // Several instances may start at once against one PostgreSQL: one migrates, the others wait and find it done.
      await tx.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK]);
      const { rows } = await tx.execute("SELECT current_schema() AS schema");
      if (rows[0]?.schema == null)
        throw new Error(
          "PostgreSQL has no schema to migrate into: no schema named in this connection's search_path exists",
        );
    }
    await tx.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const done = new Set(
      (await tx.execute("SELECT version FROM schema_migrations")).rows.map((r) => Number(r.version)),
    );
    for (const [index, statements] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (done.has(version)) continue;
      for (const statement of statements) await tx.execute(forDialect(statement, tx.dialect));
      await tx.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [
        version,
        new Date().toISOString(),
      ]);
    }
  });
}

/** Every migration is applied already (read without a transaction; false when there is no table yet). */
async function upToDate(sql: SqlClient): Promise<boolean> {
  try {
    const { rows } = await sql.execute("SELECT COUNT(*) AS n, MAX(version) AS top FROM schema_migrations");
    return Number(rows[0]?.n) === MIGRATIONS.length && Number(rows[0]?.top) === MIGRATIONS.length;
  } catch {
    return false;
  }
}
