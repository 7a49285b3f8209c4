import type { ApiResult } from "../payments/api-result.js";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

type Entry = { state: "in_flight" } | { state: "done"; reply: ApiResult; at: number };

/**
 * `Cko-Idempotency-Key`: a 2xx answer is kept for 24 hours and replayed (same status, same body);
 * a concurrent request with the same key gets 429; a failed request stores nothing.
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  async run(
    scope: string,
    key: string | undefined,
    work: () => Promise<ApiResult>,
    busy: () => ApiResult,
  ): Promise<ApiResult> {
    if (!key) return work();
    const id = `${scope}\n${key}`;
    const entry = this.entries.get(id);
    if (entry?.state === "in_flight") return busy();
    if (entry?.state === "done" && this.now() - entry.at < IDEMPOTENCY_TTL_MS) return entry.reply;
    this.entries.set(id, { state: "in_flight" });
    try {
      const reply = await work();
      if (reply.status >= 200 && reply.status < 300)
        this.entries.set(id, { state: "done", reply, at: this.now() });
      else this.entries.delete(id);
      return reply;
    } catch (error) {
      this.entries.delete(id);
      throw error;
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
