import { createHmac } from "node:crypto";
import type { Random } from "../random.js";
import { type ChaosConfig, type ChaosPlan, planChaos } from "./chaos.js";
import type { WebhookEnvelope } from "./events.js";

/** Checkout.com's retry intervals after a failed attempt (reference §5.5), each from the previous attempt. */
export const RETRY_SCHEDULE_MS = [5, 10, 15, 30, 60, 240, 720, 720].map((minutes) => minutes * 60_000);
export const DELIVERY_TIMEOUT_MS = 10_000;
/** How long a reordered event waits for a successor before going out anyway. */
const REORDER_WINDOW_MS = 250;
/**
 * The event and attempt logs keep the most recent entries only, so a sandbox holding 100k
 * payments does not also hold every webhook body it ever sent. Delivery itself is unaffected.
 */
export const HISTORY_LIMIT = 20_000;

function keepRecent<T>(list: T[]): void {
  // Trim in batches, not on every push, to keep appends O(1) amortised.
  if (list.length > HISTORY_LIMIT * 1.25) list.splice(0, list.length - HISTORY_LIMIT);
}

export interface WebhookTarget {
  urls: readonly string[];
  signatureKey: string;
  authorizationKey?: string | undefined;
}

export interface StoredEvent {
  id: string;
  type: string;
  subject: string;
  created_on: string;
  /** The exact bytes sent (and signed). */
  body: string;
  /** What chaos decided for this event (all false without chaos). */
  plan: ChaosPlan;
}

export interface DeliveryAttempt {
  eventId: string;
  eventType: string;
  url: string;
  attempt: number;
  at: string;
  ok: boolean;
  status?: number;
  error?: string;
  /** Why chaos touched this attempt, if it did. */
  chaos?: "fail-first" | "duplicate" | "reordered";
}

export interface DeliveryOptions {
  target: () => WebhookTarget;
  chaos: () => ChaosConfig;
  random: () => Random;
  timeScale: () => number;
}

export function signBody(body: string, key: string): string {
  return createHmac("sha256", key).update(body).digest("hex");
}

/** Signs and POSTs every event to every configured URL, at least once, retrying on failure. */
export class WebhookDelivery {
  readonly events: StoredEvent[] = [];
  readonly attempts: DeliveryAttempt[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private inFlight = 0;
  private held: { event: StoredEvent; plan: ChaosPlan; timer: ReturnType<typeof setTimeout> } | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly options: DeliveryOptions) {}

  emit(envelope: WebhookEnvelope): StoredEvent {
    const data = envelope.data as { id?: string };
    const plan = planChaos(this.options.chaos(), this.options.random());
    const event: StoredEvent = {
      id: envelope.id,
      type: envelope.type,
      subject: data.id ?? "",
      created_on: envelope.created_on,
      body: JSON.stringify(envelope),
      plan,
    };
    this.events.push(event);
    keepRecent(this.events);

    const held = this.held;
    if (held) {
      // The held event goes out after this one: that is the reorder.
      clearTimeout(held.timer);
      this.held = undefined;
      this.dispatch(event, plan);
      this.dispatch(held.event, held.plan, 1);
    } else if (plan.reorder) {
      const timer = setTimeout(() => {
        this.held = undefined;
        this.dispatch(event, plan);
        this.settle();
      }, REORDER_WINDOW_MS);
      this.held = { event, plan, timer };
    } else {
      this.dispatch(event, plan);
    }
    return event;
  }

  private dispatch(event: StoredEvent, plan: ChaosPlan, extraDelayMs = 0): void {
    for (const url of this.options.target().urls) {
      this.later(() => this.attempt(event, url, 1, plan.failFirst), plan.delayMs + extraDelayMs);
      if (plan.duplicate)
        this.later(() => this.attempt(event, url, 1, false, "duplicate"), plan.delayMs + extraDelayMs + 5);
    }
  }

  private later(fn: () => void | Promise<void>, ms: number): void {
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      await fn();
      this.settle();
    }, ms);
    this.timers.add(timer);
  }

  private async attempt(
    event: StoredEvent,
    url: string,
    n: number,
    failOnPurpose: boolean,
    chaos?: DeliveryAttempt["chaos"],
  ): Promise<void> {
    const record: DeliveryAttempt = {
      eventId: event.id,
      eventType: event.type,
      url,
      attempt: n,
      at: new Date().toISOString(),
      ok: false,
      ...(chaos ? { chaos } : {}),
    };
    if (failOnPurpose) {
      record.chaos = "fail-first";
      record.error = "chaos: first attempt failed on purpose";
    } else {
      this.inFlight++;
      try {
        const target = this.options.target();
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "cko-signature": signBody(event.body, target.signatureKey),
          "user-agent": "handoff-sandbox-webhooks/1",
        };
        if (target.authorizationKey) headers.authorization = target.authorizationKey;
        const response = await fetch(url, {
          method: "POST",
          headers,
          body: event.body,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        });
        await response.arrayBuffer().catch(() => undefined);
        record.status = response.status;
        record.ok = response.status >= 200 && response.status < 300;
      } catch (error) {
        record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      } finally {
        this.inFlight--;
      }
    }
    this.attempts.push(record);
    keepRecent(this.attempts);
    if (!record.ok && n <= RETRY_SCHEDULE_MS.length) {
      const wait = (RETRY_SCHEDULE_MS[n - 1] ?? 0) / this.options.timeScale();
      this.later(
        () => this.attempt(event, url, n + 1, false, chaos === "duplicate" ? chaos : undefined),
        wait,
      );
    }
  }

  /** Resolves once nothing is scheduled, held or in flight: every event has been delivered or given up. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.inFlight === 0 && this.held === undefined;
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Stops every pending attempt (close, reset). */
  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.held) clearTimeout(this.held.timer);
    this.held = undefined;
    this.settle();
  }

  clear(): void {
    this.stop();
    this.events.length = 0;
    this.attempts.length = 0;
  }
}
