import { MIGRATIONS } from "./migrations.js";
import type { Dialect, SqlClient } from "./sql-client.js";

/** Any number that is ours alone: instances starting together take turns migrating. */
const MIGRATION_LOCK = 0x68616e64;

/**
 * The migrations are written once, in SQL both engines accept; the only word that differs is how
 * a table numbers its own rows.
 */
export function forDialect(statement: string, dialect: Dialect): string {
  if (dialect === "sqlite") return statement;
  return statement.replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, "BIGSERIAL PRIMARY KEY");
}

/** Applies the migrations not applied yet, each in one transaction with its version row. */
export async function migrate(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    // Several instances may start at once against one PostgreSQL: one migrates, the others wait and find it done.
    if (tx.dialect === "postgres") await tx.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK]);
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
