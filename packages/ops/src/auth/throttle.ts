import type { SqlClient } from "@handoff/server";

export interface CredentialThrottleOptions {
  /** Failed credentials (passwords and API tokens alike) from one client address per window. Default 10. */
  perClient?: number;
  /**
   * Failed passwords for one operator's name per window, from any address: a guesser spread over
   * many addresses still meets a limit. Default 30, above `perClient` so one address cannot lock
   * an operator out alone.
   */
  perOperator?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /**
   * Count failures in this database (Handoff's table `rate_limit_hits`), so every instance on it
   * shares one budget: N instances allow the limit once, not N times. Default: this process's memory.
   */
  db?: SqlClient | undefined;
  /** In memory, at most this many clients and names are remembered (the oldest go first). Default 10,000. */
  maxTracked?: number;
}

/** Who presented a credential: the client's address and, for a password, the operator's name. */
export interface CredentialTry {
  client: string;
  operator?: string | undefined;
}

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/** Buckets per window: the window slides in steps of 1/60 of it (15 s of 15 min). */
const BUCKETS_PER_WINDOW = 60;
const CLIENT_SCOPE = "ops_credential_client";
const OPERATOR_SCOPE = "ops_credential_operator";

/**
 * One throttle for every credential of the console: sign-in passwords and the API's bearer tokens
 * count into the same budget per client address (the address the trusted proxies report) and, for
 * passwords, per operator. Over a limit every try is refused until the window lets go, the right
 * credential included, so guessing cannot run at machine speed through either door.
 *
 * A try is counted before its credential is checked (`take`) and given back when it was right
 * (`giveBack`): tries racing in parallel, on one instance or many, cannot all pass the check
 * before any failure is written.
 */
export class CredentialThrottle {
  private readonly perClient: number;
  private readonly perOperator: number;
  private readonly windowMs: number;
  private readonly db: SqlClient | undefined;
  private readonly bucketMs: number;
  private readonly maxTracked: number;
  private readonly tries = new Map<string, number[]>();
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(options: CredentialThrottleOptions = {}) {
    this.perClient = options.perClient ?? 10;
    this.perOperator = options.perOperator ?? 30;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.db = options.db;
    this.maxTracked = options.maxTracked ?? 10_000;
    this.bucketMs = Math.max(1, Math.floor(this.windowMs / BUCKETS_PER_WINDOW));
  }

  /** Counts a try at `now`; refused (and not counted) when its client or operator is over the limit. */
  async take(who: CredentialTry, now = Date.now()): Promise<ThrottleDecision> {
    const subjects = this.subjects(who);
    let oldest = Number.POSITIVE_INFINITY;
    let over = false;
    for (const [scope, subject, limit] of subjects) {
      const seen = await this.hit(scope, subject, now);
      if (seen.count > limit) {
        over = true;
        oldest = Math.min(oldest, seen.oldest);
      }
    }
    if (!over) return { ok: true };
    await this.giveBack(who, now);
    const retryAfterMs = Number.isFinite(oldest) ? oldest + this.windowMs - now : this.windowMs;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  /** The try `take` counted at `now` does not count: the credential was right, or the try was refused. */
  async giveBack(who: CredentialTry, now: number): Promise<void> {
    for (const [scope, subject] of this.subjects(who)) {
      if (this.db) {
        await this.db.execute(
          `UPDATE rate_limit_hits SET hits = hits - 1
           WHERE scope = ? AND subject = ? AND bucket_start = ? AND hits > 0`,
          [scope, subject, now - (now % this.bucketMs)],
        );
        continue;
      }
      const tries = this.tries.get(`${scope}:${subject}`) ?? [];
      const at = tries.lastIndexOf(now);
      if (at !== -1) tries.splice(at, 1);
    }
  }

  private subjects(who: CredentialTry): Array<[string, string, number]> {
    const operator = who.operator?.trim().toLowerCase();
    return [
      [CLIENT_SCOPE, who.client, this.perClient],
      ...(operator ? [[OPERATOR_SCOPE, operator, this.perOperator] as [string, string, number]] : []),
    ];
  }

  private hit(scope: string, subject: string, now: number): Promise<{ count: number; oldest: number }> {
    return this.db
      ? this.hitSql(this.db, scope, subject, now)
      : Promise.resolve(this.hitMemory(scope, subject, now));
  }

  private hitMemory(scope: string, subject: string, now: number): { count: number; oldest: number } {
    const key = `${scope}:${subject}`;
    const recent = (this.tries.get(key) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    // Re-inserted, so the map's order is least recently tried first.
    this.tries.delete(key);
    this.tries.set(key, recent);
    if (this.tries.size > this.maxTracked) {
      for (const [k, tries] of this.tries)
        if ((tries.at(-1) ?? 0) <= now - this.windowMs) this.tries.delete(k);
      // Still full of active guessers (many addresses): the least recent ones are forgotten, memory stays bounded.
      for (const k of this.tries.keys()) {
        if (this.tries.size <= this.maxTracked) break;
        this.tries.delete(k);
      }
    }
    return { count: recent.length, oldest: recent[0] ?? now };
  }

  /** One atomic upsert on the subject's current bucket, then the sum over the window. */
  private async hitSql(
    db: SqlClient,
    scope: string,
    subject: string,
    now: number,
  ): Promise<{ count: number; oldest: number }> {
    await db.execute(
      `INSERT INTO rate_limit_hits (scope, subject, bucket_start, hits) VALUES (?, ?, ?, 1)
       ON CONFLICT (scope, subject, bucket_start) DO UPDATE SET hits = rate_limit_hits.hits + 1`,
      [scope, subject, now - (now % this.bucketMs)],
    );
    const { rows } = await db.execute(
      `SELECT COALESCE(SUM(hits), 0) AS hits, MIN(CASE WHEN hits > 0 THEN bucket_start END) AS oldest
       FROM rate_limit_hits WHERE scope = ? AND subject = ? AND bucket_start > ?`,
      [scope, subject, now - this.windowMs],
    );
    if (now - this.prunedAt >= this.windowMs / 10) {
      this.prunedAt = now;
      await db.execute("DELETE FROM rate_limit_hits WHERE scope IN (?, ?) AND bucket_start <= ?", [
        CLIENT_SCOPE,
        OPERATOR_SCOPE,
        now - this.windowMs,
      ]);
    }
    const oldest = rows[0]?.oldest;
    return {
      count: Number(rows[0]?.hits ?? 0),
      oldest: oldest === null || oldest === undefined ? now : Number(oldest),
    };
  }
}
