/** `postgres://…` or `postgresql://…`: PostgreSQL; anything else names SQLite (`file:…`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** The PostgreSQL schema that holds Handoff's tables unless told otherwise. */
export const DEFAULT_DATABASE_SCHEMA = "handoff";

/**
 * The schema to use on PostgreSQL: `name`, or "handoff" when none is given. A lowercase identifier
 * PostgreSQL takes unquoted (1 to 63 letters, digits and underscores, not starting with a digit),
 * and not one of its own (`pg_…`, `information_schema`); anything else throws, naming the rule.
 */
export function databaseSchema(name?: string): string {
  const schema = name ?? DEFAULT_DATABASE_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema) || schema.startsWith("pg_") || schema === "information_schema")
    throw new Error(
      `Database schema ${JSON.stringify(schema)} is not usable: give 1 to 63 lowercase letters, digits or ` +
        `underscores, starting with a letter or underscore (not "pg_…" nor "information_schema")`,
    );
  return schema;
}
