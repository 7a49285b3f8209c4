import { createHash } from "node:crypto";
import type { SqlClient } from "@handoff/server";
import { randomToken } from "./secrets.js";

export interface OpsSession {
  operator: string;
  /** Every form of this session carries it; a post without it is refused. */
  csrf: string;
  expiresAt: string;
}

const digest = (id: string) => createHash("sha256").update(id).digest("base64");

/**
 * Server-side sessions: the cookie holds a random id, the database only its hash (a leaked table
 * signs nobody in), with a fixed lifetime. Shared by every instance on the same database.
 */
export class SqlOpsSessions {
  constructor(
    private readonly db: SqlClient,
    private readonly lifetimeMs = 12 * 3_600_000,
  ) {}

  async create(operator: string, now: Date): Promise<{ id: string; session: OpsSession }> {
    const id = randomToken(32);
    const session = {
      operator,
      csrf: randomToken(24),
      expiresAt: new Date(now.getTime() + this.lifetimeMs).toISOString(),
    };
    await this.db.execute(
      "INSERT INTO ops_sessions (id_hash, operator, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      [digest(id), operator, session.csrf, now.toISOString(), session.expiresAt],
    );
    // Expired sessions go as new ones come.
    await this.db.execute("DELETE FROM ops_sessions WHERE expires_at < ?", [now.toISOString()]);
    return { id, session };
  }

  async get(id: string, now: Date): Promise<OpsSession | undefined> {
    const row = (
      await this.db.execute(
        "SELECT operator, csrf, expires_at FROM ops_sessions WHERE id_hash = ? AND expires_at > ?",
        [digest(id), now.toISOString()],
      )
    ).rows[0];
    return row
      ? { operator: String(row.operator), csrf: String(row.csrf), expiresAt: String(row.expires_at) }
      : undefined;
  }

  async end(id: string): Promise<void> {
    await this.db.execute("DELETE FROM ops_sessions WHERE id_hash = ?", [digest(id)]);
  }
}
