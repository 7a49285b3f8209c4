import { type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BackgroundLoop, instanceName } from "../background-loop.js";
import { StoreUnavailableError } from "../db/sql-client.js";
import type { Logger } from "../deps.js";
import type { OrderEvents } from "../orders/events.js";
import { countDeliveryFailure } from "../telemetry/metrics.js";
import { ATTR, inSpan, withSpan } from "../telemetry/tracer.js";
import type { Destination } from "./destinations.js";
import { hookEvent } from "./events.js";
import { RETRY_SCHEDULE_MS, retryDelay } from "./schedule.js";
import { type SendResult, sendToDestination } from "./send.js";
import type { Delivery, DeliveryOutcome, SqlOutbox } from "./sql-outbox.js";

export interface OutboxWorkerOptions {
  /** How often it looks when nothing wakes it. Default 1 s. */
  pollMs?: number;
  batchSize?: number;
  /** Deliveries in flight at once (each to a different order or destination). Default 16. */
  concurrency?: number;
  /** Per attempt. Default 15 s. */
  timeoutMs?: number;
  /** How long claimed work stays this instance's. Default 60 s (longer than a timed-out attempt). */
  leaseMs?: number;
  /** Waits between attempts after the first; default Svix's schedule (RETRY_SCHEDULE_MS). */
  retryScheduleMs?: readonly number[];
  /** A destination whose every delivery has failed for this long is paused. Default 5 days. */
  pauseAfterFailingMs?: number;
  instanceId?: string;
}

/**
 * Hands committed outbox events to in-process hooks and to each destination that wants them,
 * delivering with retries. Runs beside request handling, never inside it: ingest and confirm only
 * append to the outbox and wake it.
 */
export class OutboxWorker {
  private readonly options: Required<OutboxWorkerOptions>;
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly outbox: SqlOutbox,
    private readonly deps: { logger: Logger; now: () => Date; hooks?: OrderEvents | undefined },
    options: OutboxWorkerOptions = {},
  ) {
    this.options = {
      pollMs: 1000,
      batchSize: 100,
      concurrency: 16,
      timeoutMs: 15_000,
      leaseMs: 60_000,
      retryScheduleMs: RETRY_SCHEDULE_MS,
      pauseAfterFailingMs: 5 * 24 * 3_600_000,
      instanceId: instanceName(),
      ...options,
    };
    this.loop = new BackgroundLoop(() => this.pass(), {
      pollMs: this.options.pollMs,
      storePauseMs: 500,
      maxStorePauseMs: 30_000,
      name: "outbox worker",
      logger: deps.logger,
    });
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  /** Finishes the attempts in flight, hands back what it claimed, stops. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.outbox
      .releaseClaims(this.options.instanceId, this.deps.now().toISOString())
      .catch(() => undefined);
  }

  /** Everything due now, after the pass under way. Tests call this. */
  drain(): Promise<void> {
    return this.loop.drain();
  }

  private lease(): { now: string; until: string } {
    const now = this.deps.now();
    return { now: now.toISOString(), until: new Date(now.getTime() + this.options.leaseMs).toISOString() };
  }

  private async pass(): Promise<void> {
    const { batchSize } = this.options;
    let destinations = await this.outbox.destinations();
    for (;;) {
      const { now, until } = this.lease();
      const waiting = await this.outbox.claimWaiting(now, until, batchSize);
      if (waiting.length === 0) break;
      for (const record of waiting) {
        const hook = this.deps.hooks && hookEvent(record.event);
        if (hook) await this.deps.hooks?.emit(hook);
        await this.outbox.fanOut(record, destinations, this.deps.now().toISOString());
      }
    }
    for (;;) {
      if (this.loop.stopping) return;
      const { now, until } = this.lease();
      const due = await this.outbox.claimDeliveries(this.options.instanceId, now, until, batchSize);
      if (due.length === 0) return;
      destinations = await this.outbox.destinations();
      const byId = new Map(destinations.map((d) => [d.id, d]));
      let next = 0;
      const lane = async () => {
        while (next < due.length) {
          const delivery = due[next++] as Delivery;
          await this.deliver(delivery, byId.get(delivery.destinationId));
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, due.length) }, lane));
      if (due.length < batchSize) return;
    }
  }

  /** One attempt of one delivery, in a span of its own; a failure is counted per destination. */
  private deliver(delivery: Delivery, destination: Destination | undefined): Promise<void> {
    const data = (delivery.event.data ?? {}) as { orderId?: unknown; paymentId?: unknown };
    return inSpan(
      "handoff.outbox.deliver",
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [ATTR.eventId]: delivery.eventId,
          [ATTR.eventType]: delivery.event.type,
          [ATTR.destination]: delivery.destinationId,
          [ATTR.attempt]: delivery.attempts + 1,
          [ATTR.orderId]: typeof data.orderId === "string" ? data.orderId : undefined,
          [ATTR.paymentId]: typeof data.paymentId === "string" ? data.paymentId : undefined,
        },
      },
      (span) => this.attempt(delivery, destination, span),
    );
  }

  private async attempt(delivery: Delivery, destination: Destination | undefined, span: Span): Promise<void> {
    const started = this.deps.now();
    const result: SendResult = destination
      ? await withSpan(span, () =>
          sendToDestination(destination, delivery.event, started, this.options.timeoutMs),
        )
      : { ok: false, durationMs: 0, error: "destination removed" };
    const at = this.deps.now();
    const attempts = delivery.attempts + 1;
    const delay = result.ok || !destination ? undefined : retryDelay(attempts, this.options.retryScheduleMs);
    traceAttempt(span, delivery.destinationId, result, delay === undefined ? "dead" : "retrying");
    const outcome: DeliveryOutcome = {
      attempt: {
        eventId: delivery.eventId,
        destinationId: delivery.destinationId,
        at: at.toISOString(),
        ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
        durationMs: result.durationMs,
        ...(result.responseExcerpt ? { responseExcerpt: result.responseExcerpt } : {}),
        ...(result.error ? { error: result.error } : {}),
      },
      next: result.ok
        ? { status: "delivered" }
        : delay === undefined
          ? { status: "dead" }
          : { status: "pending", retryAt: new Date(at.getTime() + delay).toISOString() },
      pauseIfFailingSince: {
        before: new Date(at.getTime() - this.options.pauseAfterFailingMs).toISOString(),
        reason: `paused automatically: every delivery failed for ${Math.round(this.options.pauseAfterFailingMs / 3_600_000)} h`,
      },
    };
    try {
      await this.outbox.record(delivery, outcome, this.options.instanceId);
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      this.deps.logger.error({ eventId: delivery.eventId, err: String(error) }, "delivery not recorded");
    }
    if (outcome.next.status === "dead") {
      this.deps.logger.warn(
        { eventId: delivery.eventId, destination: delivery.destinationId, attempts },
        "delivery dead-lettered",
      );
    }
  }
}

/**
 * What the attempt came to, on its span: the receiver's status, `delivered`, `retrying` or `dead`;
 * a failure marks the span failed and counts in `handoff.outbox.delivery_failures`.
 */
function traceAttempt(span: Span, destination: string, result: SendResult, ifFailed: string): void {
  if (result.statusCode !== undefined) span.setAttribute(ATTR.httpStatus, result.statusCode);
  if (result.ok) {
    span.setAttribute(ATTR.outcome, "delivered");
    return;
  }
  const reason =
    result.statusCode !== undefined
      ? `http_${result.statusCode}`
      : result.error === "destination removed"
        ? "destination_removed"
        : result.error?.startsWith("no answer in")
          ? "timeout"
          : "network_error";
  span.setAttribute(ATTR.outcome, ifFailed);
  span.setAttribute(ATTR.errorType, reason);
  // The reason, not the error's text: a fetch error can quote the destination's URL, secrets and all.
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
  countDeliveryFailure(destination, reason);
}
