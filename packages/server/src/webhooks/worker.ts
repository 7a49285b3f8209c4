import { type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BackgroundLoop, instanceName } from "../background-loop.js";
import { StoreUnavailableError } from "../db/sql-client.js";
import type { SettleDeps } from "../orders/settle.js";
import { checkoutEvent } from "../outbox/events.js";
import { ATTR, inSpan, recordFailure } from "../telemetry/tracer.js";
import type { SqlWebhookInbox, StoredInboxEvent } from "./inbox.js";
import { type EventRoutes, processStoredEvent } from "./process.js";

function parsed(event: StoredInboxEvent): unknown {
  try {
    return JSON.parse(event.rawBody);
  } catch {
    return {};
  }
}

/** The payment (`pay_…`) or dispute (`dsp_…`) an event is about, for its span. */
function subjectOf(event: StoredInboxEvent): Record<string, string> {
  const id = (parsed(event) as { data?: { id?: unknown } } | null)?.data?.id;
  if (typeof id !== "string") return {};
  return { [id.startsWith("dsp_") ? ATTR.disputeId : ATTR.paymentId]: id };
}

export interface WorkerOptions {
  /** Events taken per pass. */
  batchSize?: number;
  /** How often the worker looks for due events when nothing wakes it. */
  pollMs?: number;
  /** First wait after a failure or a park; doubles up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Processing failures before an event is marked failed (parked events wait instead). */
  maxAttempts?: number;
  /** First pause when the store itself fails (disk full, locked); doubles up to `maxStorePauseMs`. */
  storePauseMs?: number;
  maxStorePauseMs?: number;
  /**
   * A parked event (no payment or order of ours matches it) is tried at least this many times and
   * for at least `unmatchedAfterMs` since it arrived, then marked `unmatched` and tried no more.
   * Defaults 8 tries and 1 hour: our own payments' events match within seconds.
   */
  unmatchedAfterAttempts?: number;
  unmatchedAfterMs?: number;
  /** How long a claimed event stays this worker's before another instance may take it. Default 60 s. */
  leaseMs?: number;
  /** Names this instance on the events it holds. Default host:pid:random. */
  instanceId?: string;
}

/**
 * Processes the inbox after the acknowledgement. Everything stored but not processed is picked up
 * on start (a crash between the 200 and processing loses nothing); failures retry with backoff;
 * events whose attempt does not exist yet are parked and retried until it does.
 */
export class WebhookWorker {
  /** A pass ended early (the store failed) holding claims: hand them back before the next one. */
  private holdsClaims = false;
  private readonly options: Required<WorkerOptions>;
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly inbox: SqlWebhookInbox,
    private readonly deps: SettleDeps,
    options: WorkerOptions = {},
    private readonly routes: EventRoutes = {},
  ) {
    this.options = {
      batchSize: 100,
      pollMs: 1000,
      baseBackoffMs: 250,
      maxBackoffMs: 5 * 60_000,
      maxAttempts: 10,
      storePauseMs: 500,
      maxStorePauseMs: 30_000,
      leaseMs: 60_000,
      unmatchedAfterAttempts: 8,
      unmatchedAfterMs: 3_600_000,
      instanceId: instanceName(),
      ...options,
    };
    this.loop = new BackgroundLoop(() => this.pass(), {
      ...this.options,
      name: "webhook worker",
      logger: deps.logger,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Something new is in the inbox: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  /**
   * Stops taking events, lets the one in hand finish, and hands back what it had claimed but not
   * started, so another instance takes it now rather than after the lease.
   */
  async stop(): Promise<void> {
    await this.loop.stop();
    try {
      await this.inbox.releaseClaims(this.options.instanceId, this.deps.now().toISOString());
    } catch {
      // The store is gone too: the lease hands them on instead.
    }
  }

  /** Processes everything due now, after the pass already under way. Tests call this directly. */
  drain(): Promise<void> {
    return this.loop.drain();
  }

  private async pass(): Promise<void> {
    const { instanceId, leaseMs, batchSize } = this.options;
    if (this.holdsClaims) {
      await this.inbox.releaseClaims(instanceId, this.deps.now().toISOString());
      this.holdsClaims = false;
    }
    for (;;) {
      const now = this.deps.now();
      const until = new Date(now.getTime() + leaseMs).toISOString();
      const due = await this.inbox.claim(instanceId, now.toISOString(), until, batchSize);
      if (due.length === 0) return;
      this.holdsClaims = true;
      for (const event of due) {
        // Shutting down: leave the rest claimed; stop() hands them back.
        if (this.loop.stopping) return;
        await this.processOne(event);
      }
      this.holdsClaims = false;
      if (due.length < batchSize) return;
    }
  }

  /** A parked event has been tried long enough and often enough: nothing of ours will match it. */
  private givenUp(event: StoredInboxEvent, attempts: number): boolean {
    const age = this.deps.now().getTime() - Date.parse(event.receivedAt);
    return attempts >= this.options.unmatchedAfterAttempts && age >= this.options.unmatchedAfterMs;
  }

  private backoff(attempts: number): string {
    const wait = Math.min(
      this.options.maxBackoffMs,
      this.options.baseBackoffMs * 2 ** Math.max(0, attempts - 1),
    );
    return new Date(this.deps.now().getTime() + wait).toISOString();
  }

  /** One event, in a span of its own: its type, attempt and what processing came to. */
  private processOne(event: StoredInboxEvent): Promise<void> {
    return inSpan(
      "handoff.webhook.process",
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [ATTR.eventId]: event.id,
          [ATTR.eventType]: event.type,
          [ATTR.attempt]: event.attempts + 1,
        },
      },
      (span) => {
        // Parsing the body again is only worth it while an SDK records the span.
        if (span.isRecording()) span.setAttributes(subjectOf(event));
        return this.process(event, span);
      },
    );
  }

  private async process(event: StoredInboxEvent, span: Span): Promise<void> {
    const attempts = event.attempts + 1;
    try {
      const result = await processStoredEvent(this.deps, event, this.routes);
      span.setAttribute(ATTR.outcome, result.status);
      if ("orderId" in result && result.orderId) span.setAttribute(ATTR.orderId, result.orderId);
      if (result.status === "invalid")
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
      if (result.status === "parked") {
        const given = this.givenUp(event, attempts);
        span.setAttribute(ATTR.outcome, given ? "unmatched" : "parked");
        await this.inbox.update(
          event.id,
          given
            ? {
                status: "unmatched",
                attempts,
                outcome: `unmatched after ${attempts} tries: ${result.outcome}`,
              }
            : { status: "parked", attempts, nextAttemptAt: this.backoff(attempts), outcome: result.outcome },
          this.options.instanceId,
        );
        return;
      }
      const at = this.deps.now().toISOString();
      // A verified Checkout.com event, as stored, for destinations that take checkout.* (once: keyed by its id).
      const forward =
        result.status === "invalid" ? undefined : checkoutEvent(event.id, event.type, parsed(event), at);
      await this.inbox.update(
        event.id,
        {
          status: result.status,
          attempts,
          orderId: "orderId" in result ? result.orderId : undefined,
          outcome: result.outcome,
          processedAt: at,
        },
        this.options.instanceId,
        forward,
      );
      if (forward) this.deps.outboxCommitted?.();
    } catch (error) {
      // The store itself failing is not this event's fault: end the pass, the event stays due.
      if (error instanceof StoreUnavailableError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const failed = attempts >= this.options.maxAttempts;
      recordFailure(span, error);
      span.setAttribute(ATTR.outcome, failed ? "failed" : "retrying");
      this.deps.logger.error({ eventId: event.id, attempts, err: message }, "webhook processing failed");
      await this.inbox.update(
        event.id,
        {
          status: failed ? "failed" : "retrying",
          attempts,
          nextAttemptAt: this.backoff(attempts),
          outcome: `error: ${message}`,
        },
        this.options.instanceId,
      );
    }
  }
}
