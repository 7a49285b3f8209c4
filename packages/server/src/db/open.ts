import type { PostgresOptions } from "./postgres.js";
import type { SqlClient } from "./sql-client.js";
import { isPostgresUrl } from "./url.js";

/**
 * The database a `DATABASE_URL` names, migrated: `file:…` is SQLite, `postgres://…` is PostgreSQL,
 * where Handoff's tables live in a schema of their own (`options.schema`, default "handoff"; a SQLite
 * file is Handoff's alone and ignores it). Each driver is loaded only when its engine is asked for,
 * so a shop on SQLite needs no `pg` and one on PostgreSQL no `libsql` (both optional peers).
 */
export async function openDatabase(url: string, options: PostgresOptions = {}): Promise<SqlClient> {
  if (isPostgresUrl(url))
    return (await driver("pg", () => import("./postgres.js"))).openPostgres(url, options);
  return (await driver("libsql", () => import("./sqlite.js"))).openSqlite(url);
}

/** Loads an engine's module; a missing driver package says what to install. */
async function driver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      String(error).includes(`'${name}'`)
    )
      throw new Error(`This DATABASE_URL needs the "${name}" package: npm install ${name}`);
    throw error;
  }
}
