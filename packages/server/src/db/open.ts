import { isPostgresUrl, openPostgres, type PostgresOptions } from "./postgres.js";
import type { SqlClient } from "./sql-client.js";
import { openSqlite } from "./sqlite.js";

/** The database a `DATABASE_URL` names, migrated: `file:…` is SQLite, `postgres://…` is PostgreSQL. */
export function openDatabase(url: string, options: PostgresOptions = {}): Promise<SqlClient> {
  return isPostgresUrl(url) ? openPostgres(url, options) : openSqlite(url);
}
