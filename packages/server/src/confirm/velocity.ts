import type { Attempt } from "../orders/model.js";

export interface VelocityLimits {
  /** Failed or declined tries on one cart within `windowMs` before it must wait. Default 5. */
  perCart: number;
  /** Confirms from one client (IP) within `windowMs`, whatever the cart. Default 20. */
  perClient: number;
  windowMs: number;
}

export const DEFAULT_VELOCITY: VelocityLimits = { perCart: 5, perClient: 20, windowMs: 10 * 60_000 };

/**
 * Card testing: many cards tried against one cart, or many carts from one client, to find cards
 * that work. Declines on a cart are counted from its stored attempts (so every instance agrees);
 * a client's confirms in a sliding window in this process.
 */
export class ConfirmVelocity {
  private readonly clients = new Map<string, number[]>();

  constructor(readonly limits: VelocityLimits = DEFAULT_VELOCITY) {}

  cartBlocked(attempts: Attempt[], now: number): boolean {
    const since = now - this.limits.windowMs;
    const refused = attempts.filter(
      (a) => Date.parse(a.createdAt) >= since && (a.status === "declined" || a.status === "failed"),
    );
    return refused.length >= this.limits.perCart;
  }

  /** Counts this confirm; true when the client is over its limit. */
  clientBlocked(client: string | undefined, now: number): boolean {
    if (!client) return false;
    const since = now - this.limits.windowMs;
    const hits = (this.clients.get(client) ?? []).filter((t) => t >= since);
    hits.push(now);
    this.clients.set(client, hits);
    if (this.clients.size > 10_000) this.forgetIdle(since);
    return hits.length > this.limits.perClient;
  }

  /** Keeps memory bounded under many clients: drop those with no hit in the window. */
  private forgetIdle(since: number): void {
    for (const [client, hits] of this.clients) if ((hits.at(-1) ?? 0) < since) this.clients.delete(client);
  }
}
