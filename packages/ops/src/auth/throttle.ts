import type { SqlClient } from "@handoff/server";

export interface LoginThrottleOptions {
  /** Failed sign-ins from one address within `windowMs` before every try is refused. Default 5. */
  limit?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /**
   * Count failures in this database (Handoff's, table `rate_limit_hits`), so every instance on it
   * shares one budget per address: N instances allow `limit` guesses, not N times as many.
   * Default: this process's memory.
   */
  db?: SqlClient;
}

/** Buckets per window: the window slides in steps of 1/60 of it (15 s of 15 min). */
const BUCKETS_PER_WINDOW = 60;
const SCOPE = "ops_sign_in";

/**
 * Failed sign-ins per client address: after `limit` in `windowMs` every try is refused until the
 * window has passed, the right password included, so guessing cannot run at machine speed. The
 * address is the one the trusted proxies report, so one guesser behind a load balancer locks out
 * their own address, not every operator behind it.
 *
 * A try is counted before its password is checked (`take`) and given back when it was right or
 * refused (`giveBack`): tries racing in parallel, on one instance or many, cannot pass the
 * check together before any failure is written.
 */
export class LoginThrottle {
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly db: SqlClient | undefined;
  private readonly bucketMs: number;
  private readonly tries = new Map<string, number[]>();
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(options: LoginThrottleOptions = {}) {
    this.limit = options.limit ?? 5;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.db = options.db;
    this.bucketMs = Math.max(1, Math.floor(this.windowMs / BUCKETS_PER_WINDOW));
  }

  /** Counts a try from `client` at `now`; false (and not counted) when the client is over its limit. */
  async take(client: string, now = Date.now()): Promise<boolean> {
    const count = this.db ? await this.hitSql(this.db, client, now) : this.hitMemory(client, now);
    if (count <= this.limit) return true;
    await this.giveBack(client, now);
    return false;
  }

  /** The try `take` counted at `now` does not count: it was the right password, or it was refused. */
  async giveBack(client: string, now: number): Promise<void> {
    if (this.db) {
      await this.db.execute(
        `UPDATE rate_limit_hits SET hits = hits - 1
         WHERE scope = ? AND subject = ? AND bucket_start = ? AND hits > 0`,
        [SCOPE, client, now - (now % this.bucketMs)],
      );
      return;
    }
    const tries = this.tries.get(client) ?? [];
    const at = tries.lastIndexOf(now);
    if (at !== -1) tries.splice(at, 1);
  }

  private hitMemory(client: string, now: number): number {
    const recent = (this.tries.get(client) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    this.tries.set(client, recent);
    if (this.tries.size > 10_000) {
      for (const [key, tries] of this.tries)
        if ((tries.at(-1) ?? 0) <= now - this.windowMs) this.tries.delete(key);
    }
    return recent.length;
  }

  /** One atomic upsert on the address's current bucket, then the sum over the window. */
  private async hitSql(db: SqlClient, client: string, now: number): Promise<number> {
    await db.execute(
      `INSERT INTO rate_limit_hits (scope, subject, bucket_start, hits) VALUES (?, ?, ?, 1)
       ON CONFLICT (scope, subject, bucket_start) DO UPDATE SET hits = rate_limit_hits.hits + 1`,
      [SCOPE, client, now - (now % this.bucketMs)],
    );
    const { rows } = await db.execute(
      `SELECT COALESCE(SUM(hits), 0) AS hits FROM rate_limit_hits
       WHERE scope = ? AND subject = ? AND bucket_start > ?`,
      [SCOPE, client, now - this.windowMs],
    );
    if (now - this.prunedAt >= this.windowMs / 10) {
      this.prunedAt = now;
      await db.execute("DELETE FROM rate_limit_hits WHERE scope = ? AND bucket_start <= ?", [
        SCOPE,
        now - this.windowMs,
      ]);
    }
    return Number(rows[0]?.hits ?? 0);
  }
}
