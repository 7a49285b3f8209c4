/** `@handoff/server/sqlite`: SQLite through libsql's synchronous engine (`file:…` URLs). */
export { openSqlite } from "./db/sqlite.js";
