import { executorOf, type SqlClient, type SqlExecutor, type TransactionHandle } from "../db/sql-client.js";
import type { Attempt } from "../orders/model.js";

export interface VelocityLimits {
  /** Failed or declined tries on one cart within `windowMs` before it must wait. Default 5. */
  perCart: number;
  /** Confirms from one client (IP) within `windowMs`, whatever the cart. Default 20. */
  perClient: number;
  windowMs: number;
  /**
   * New Checkout.com payment sessions for one cart within `windowMs` (a reused one does not count).
   * Default 20: a shopper changing their details now and then never meets it; a script does.
   */
  sessionsPerCart?: number;
  /** Session requests from one client within `windowMs`, whatever the cart. Default three times `perClient`. */
  sessionsPerClient?: number;
}

export const DEFAULT_VELOCITY: VelocityLimits = { perCart: 5, perClient: 20, windowMs: 10 * 60_000 };

/** Hits per subject (a client's address) in a sliding window. */
export interface HitCounter {
  /**
   * Counts one hit on `subject` at `now` (ms); resolves to its hits in the window, this one included.
   * `within`: an open transaction to count it in when it `joins` it, so it commits (or rolls back)
   * with that transaction's other writes instead of being a commit of its own.
   */
  hit(subject: string, now: number, within?: TransactionHandle): Promise<number>;
  /** Whether hits `within` this transaction are counted in it, and so undone if it rolls back. */
  joins(within: TransactionHandle | undefined): boolean;
  /** Counts nothing: `subject`'s hits in the window now. */
  count(subject: string, now: number): Promise<number>;
  /**
   * How long until `subject` has at most `atMost` hits left in the window (ms), 0 if it has now.
   * Without `atMost`, until its oldest hit leaves. A limit of L allows one more once L - 1 are left.
   */
  freeIn(subject: string, now: number, atMost?: number): Promise<number>;
}

/** Exact, in this process's memory: each instance counts alone. */
export class MemoryHitCounter implements HitCounter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  async hit(subject: string, now: number): Promise<number> {
    const since = now - this.windowMs;
    const recent = (this.hits.get(subject) ?? []).filter((t) => t >= since);
    recent.push(now);
    this.hits.set(subject, recent);
    if (this.hits.size > 10_000) this.forgetIdle(since);
    return recent.length;
  }

  joins(): boolean {
    return false;
  }

  async count(subject: string, now: number): Promise<number> {
    const since = now - this.windowMs;
    return (this.hits.get(subject) ?? []).filter((t) => t >= since).length;
  }

  async freeIn(subject: string, now: number, atMost?: number): Promise<number> {
    const since = now - this.windowMs;
    const inWindow = (this.hits.get(subject) ?? []).filter((t) => t >= since).sort((a, b) => a - b);
    // The last of the hits that must leave; a hit counts up to `windowMs` after it, inclusive.
    const lastToLeave = inWindow[inWindow.length - (atMost ?? inWindow.length - 1) - 1];
    return lastToLeave === undefined ? 0 : lastToLeave + this.windowMs + 1 - now;
  }

  /** Keeps memory bounded under many subjects: drop those with no hit in the window. */
  private forgetIdle(since: number): void {
    for (const [subject, hits] of this.hits) if ((hits.at(-1) ?? 0) < since) this.hits.delete(subject);
  }
}

/** Buckets per window: the window slides in steps of 1/60 of it (10 s of 10 min). */
const BUCKETS_PER_WINDOW = 60;

/**
 * In the database (`rate_limit_hits`), so every instance on it counts into one budget: each hit is
 * one atomic upsert on its subject's current bucket, then the buckets inside the window are
 * summed. The window slides in steps of a bucket, so a hit stops counting up to 1/60 of the
 * window early. Rows past the window are deleted as time moves on. Counted within a transaction of
 * its database, the bucket's row stays locked until it ends: one subject's hits wait for each
 * other, so none is lost and each sees those before it.
 */
export class SqlHitCounter implements HitCounter {
  private readonly bucketMs: number;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly db: SqlClient,
    /** Which limit these hits are for (one table holds them all). */
    private readonly scope: string,
    private readonly windowMs: number,
  ) {
    this.bucketMs = Math.max(1, Math.floor(windowMs / BUCKETS_PER_WINDOW));
  }

  /** Only a transaction of this counter's own database: another one's rollback is not this one's. */
  joins(within: TransactionHandle | undefined): boolean {
    return executorOf(within, this.db) !== undefined;
  }

  async hit(subject: string, now: number, within?: TransactionHandle): Promise<number> {
    const bucket = now - (now % this.bucketMs);
    const upsert = `INSERT INTO rate_limit_hits (scope, subject, bucket_start, hits) VALUES (?, ?, ?, 1)
       ON CONFLICT (scope, subject, bucket_start) DO UPDATE SET hits = rate_limit_hits.hits + 1`;
    const key = [this.scope, subject, bucket];
    // One statement: the bucket's new count, plus the window's other buckets.
    const others = `SELECT SUM(hits) FROM rate_limit_hits
       WHERE scope = ? AND subject = ? AND bucket_start > ? AND bucket_start <> ?`;
    const window = [this.scope, subject, now - this.windowMs, bucket];
    const count = async (db: SqlExecutor): Promise<number> => {
      // PostgreSQL reads the other buckets on the statement's snapshot (the upsert's row is not in it).
      // The bucket's row lock alone would let two hits on either side of a bucket's edge miss each
      // other, so the subject is locked first, until commit: the count's snapshot, taken once it is
      // held, has every hit before it. Both statements leave together (pipelined).
      const { rows } =
        db.dialect === "postgres"
          ? (
              await Promise.all([
                db.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0)) AS locked", [
                  `${this.scope}\u001f${subject}`,
                ]),
                db.execute(
                  `WITH counted AS (${upsert} RETURNING hits)
                   SELECT (SELECT hits FROM counted) + COALESCE((${others}), 0) AS hits`,
                  [...key, ...window],
                ),
              ])
            )[1]
          : await db.execute(`${upsert} RETURNING hits + COALESCE((${others}), 0) AS hits`, [
              ...key,
              ...window,
            ]);
      await this.prune(db, now);
      return Number(rows[0]?.hits ?? 0);
    };
    // Inside a transaction everything goes through it (SQLite's one connection waits for it to end).
    // Outside one, it is made one: PostgreSQL holds the subject's lock until the hit commits, and
    // SQLite, which takes a statement that returns rows for a read, commits it off the event loop.
    const open = executorOf(within, this.db);
    return open ? count(open) : this.db.transaction(count);
  }

  count(subject: string, now: number): Promise<number> {
    return this.countOn(this.db, subject, now);
  }

  private async countOn(db: SqlExecutor, subject: string, now: number): Promise<number> {
    const { rows } = await db.execute(
      `SELECT COALESCE(SUM(hits), 0) AS hits FROM rate_limit_hits
       WHERE scope = ? AND subject = ? AND bucket_start > ?`,
      [this.scope, subject, now - this.windowMs],
    );
    return Number(rows[0]?.hits ?? 0);
  }

  async freeIn(subject: string, now: number, atMost?: number): Promise<number> {
    const { rows } = await this.db.execute(
      `SELECT bucket_start, hits FROM rate_limit_hits
       WHERE scope = ? AND subject = ? AND bucket_start > ? ORDER BY bucket_start`,
      [this.scope, subject, now - this.windowMs],
    );
    let left = rows.reduce((sum, row) => sum + Number(row.hits), 0);
    const target = atMost ?? left - 1;
    if (left <= target) return 0;
    // Buckets leave oldest first, each whole, once `windowMs` has passed since it began.
    for (const row of rows) {
      left -= Number(row.hits);
      if (left <= target) return Math.max(0, Number(row.bucket_start) + this.windowMs - now);
    }
    return 0;
  }

  /** Now and then (every tenth of a window, per instance), the rows no window can reach any more go. */
  private async prune(db: SqlExecutor, now: number): Promise<void> {
    if (now - this.prunedAt < this.windowMs / 10) return;
    this.prunedAt = now;
    await db.execute("DELETE FROM rate_limit_hits WHERE scope = ? AND bucket_start <= ?", [
      this.scope,
      now - this.windowMs,
    ]);
  }
}

export interface ConfirmVelocityOptions {
  /**
   * Count each client's confirms in this database, so N instances on it allow `perClient` once,
   * not N times. Default: this process's memory. Give the store's own client (as `openHandoff`
   * does): a confirm is then counted in the transaction that opens its payment attempt, at no
   * commit of its own. Another client counts on its own connection, so it must not be a second
   * connection to the store's SQLite file (it would wait for the very transaction it counts in).
   */
  db?: SqlClient;
}

/**
 * Card testing: many cards tried against one cart, or many carts from one client, to find cards
 * that work. Declines on a cart are counted from its stored attempts (so every instance agrees);
 * a client's confirms in a sliding window, in the database when given one (shared by every
 * instance), else in this process. The client is the address the adapter decided (trusted
 * proxies only), so behind a load balancer each shopper has their own budget.
 */
export class ConfirmVelocity {
  private readonly clients: HitCounter;
  private readonly sessionClients: HitCounter;
  private readonly sessionCarts: HitCounter;

  constructor(
    readonly limits: VelocityLimits = DEFAULT_VELOCITY,
    options: ConfirmVelocityOptions = {},
  ) {
    const counter = (scope: string): HitCounter =>
      options.db
        ? new SqlHitCounter(options.db, scope, limits.windowMs)
        : new MemoryHitCounter(limits.windowMs);
    this.clients = counter("confirm_client");
    this.sessionClients = counter("session_client");
    this.sessionCarts = counter("session_cart");
  }

  private get sessionsPerClient(): number {
    return this.limits.sessionsPerClient ?? 3 * this.limits.perClient;
  }

  /**
   * Counts this session request from `client`; over its limit, how many seconds until it may ask
   * again (for `Retry-After`), else undefined.
   */
  async sessionClientWait(client: string | undefined, now: number): Promise<number | undefined> {
    if (!client) return undefined;
    if ((await this.sessionClients.hit(client, now)) <= this.sessionsPerClient) return undefined;
    return seconds(await this.sessionClients.freeIn(client, now));
  }

  /** Whether `cartId` may have one more new payment session; if not, the seconds to wait. */
  async sessionCartWait(cartId: string, now: number): Promise<number | undefined> {
    const limit = this.limits.sessionsPerCart ?? 20;
    if ((await this.sessionCarts.count(cartId, now)) < limit) return undefined;
    return seconds(await this.sessionCarts.freeIn(cartId, now));
  }

  /**
   * Takes one of `cartId`'s new payment sessions before it is opened; if none is left, the seconds
   * to wait. Counted and compared in one hit, so requests at the same moment cannot all see room
   * (a check, then a count after the call, let six of five through). A taken one whose call then
   * fails stays counted: it reached Checkout.com all the same.
   */
  async sessionCartTake(cartId: string, now: number): Promise<number | undefined> {
    const limit = this.limits.sessionsPerCart ?? 20;
    if ((await this.sessionCarts.hit(cartId, now)) <= limit) return undefined;
    return seconds(await this.sessionCarts.freeIn(cartId, now));
  }

  cartBlocked(attempts: Attempt[], now: number): boolean {
    return this.cartWait(attempts, now) !== undefined;
  }

  /**
   * Whether the cart has had `perCart` refused tries within the window; if so, the seconds until
   * enough of them have left it for one more (for `Retry-After`), else undefined.
   */
  cartWait(attempts: Attempt[], now: number): number | undefined {
    const since = now - this.limits.windowMs;
    const refusedAt = attempts
      .filter((a) => a.status === "declined" || a.status === "failed")
      .map((a) => Date.parse(a.createdAt))
      .filter((at) => at >= since)
      .sort((a, b) => a - b);
    if (refusedAt.length < this.limits.perCart) return undefined;
    // Fewer than perCart must be left: the last to leave is the perCart-th newest.
    const lastToLeave = refusedAt[refusedAt.length - this.limits.perCart] ?? now;
    return seconds(lastToLeave + this.limits.windowMs + 1 - now);
  }

  /**
   * Counts this confirm; true when the client is over its limit. `within`: the transaction that
   * opens the payment attempt, so the count shares its commit; if that transaction rolls back,
   * `clientRolledBack` counts the confirm again.
   */
  async clientBlocked(client: string | undefined, now: number, within?: TransactionHandle): Promise<boolean> {
    if (!client) return false;
    return (await this.clients.hit(client, now, within)) > this.limits.perClient;
  }

  /**
   * For a client `clientBlocked` refused: the seconds until it may confirm again (for
   * `Retry-After`). Counts nothing; asked after the counting transaction, never inside it.
   */
  async clientRetryAfter(client: string | undefined, now: number): Promise<number> {
    if (!client) return seconds(0);
    return seconds(await this.clients.freeIn(client, now, this.limits.perClient - 1));
  }

  /**
   * The transaction `within` which this confirm was counted rolled back (out of stock, a conflict,
   * a failure), before or after the count: it is counted again, on its own, so a try whose
   * transaction fails is not a free one. A count the transaction did not hold stands as it is.
   */
  async clientRolledBack(
    client: string | undefined,
    now: number,
    within: TransactionHandle | undefined,
  ): Promise<void> {
    if (client && this.clients.joins(within)) await this.clients.hit(client, now);
  }
}

/** Whole seconds for `Retry-After`, at least one. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
