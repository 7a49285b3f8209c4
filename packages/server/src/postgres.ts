/** `@handoff/server/postgres`: PostgreSQL through `pg` (an optional peer dependency). */
export { openPostgres, type PostgresOptions } from "./db/postgres.js";
export { isPostgresUrl } from "./db/url.js";
