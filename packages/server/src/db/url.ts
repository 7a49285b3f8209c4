/** `postgres://…` or `postgresql://…`: PostgreSQL; anything else names SQLite (`file:…`). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
