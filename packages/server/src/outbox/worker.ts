import { type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { BackgroundLoop, instanceName } from "../background-loop.js";
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
  /**
   * Deliveries in flight at once to each destination (each for a different order). Default 8.
   * Every destination has a lane of its own: a slow one fills only its own.
   */
  concurrency?: number;
  /** Per attempt. Default 15 s. */
  timeoutMs?: number;
  /**
   * How long claimed work stays this instance's before another may take it (a crashed instance's
   * work is taken over after this); renewed every third of it while a delivery is under way, so a
   * slow delivery is never sent again by another instance meanwhile. Default 60 s.
   */
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
  /** Deliveries under way, per destination: each destination's lane. */
  private readonly lanes = new Map<string, Set<Promise<void>>>();
  private readonly underway = new Map<Promise<void>, Delivery>();
  private renewal: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly outbox: SqlOutbox,
    private readonly deps: { logger: Logger; now: () => Date; hooks?: OrderEvents | undefined },
    options: OutboxWorkerOptions = {},
  ) {
    this.options = {
      pollMs: 1000,
      batchSize: 100,
      concurrency: 8,
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
    await this.settled();
    await this.outbox
      .releaseClaims(this.options.instanceId, this.deps.now().toISOString())
      .catch(() => undefined);
    await this.outbox.network.close();
  }

  /**
   * Everything due now, after the pass under way, and the deliveries it starts (and what they make
   * due: the next event of an order waits for the one before). Tests call this.
   */
  async drain(): Promise<void> {
    for (;;) {
      await this.loop.drain();
      if (this.inFlight() === 0) return;
      await this.settled();
    }
  }

  private inFlight(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.size;
    return n;
  }

  private async settled(): Promise<void> {
    while (this.inFlight() > 0)
      await Promise.allSettled([...this.lanes.values()].flatMap((lane) => [...lane]));
  }

  private lease(): { now: string; until: string } {
    const now = this.deps.now();
    return { now: now.toISOString(), until: new Date(now.getTime() + this.options.leaseMs).toISOString() };
  }

  /**
   * Hands new events to the hooks and creates their deliveries, then starts what is due in every
   * lane with room, without waiting for any delivery: the next pass (a wake, or a delivery ending)
   * fans out newer events at once, whatever a slow destination is doing.
   */
  private async pass(): Promise<void> {
    const { batchSize, concurrency, instanceId } = this.options;
    // Read once a pass (again below only if a delivery names one added since).
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
      const room = (id: string) => concurrency - (this.lanes.get(id)?.size ?? 0);
      const open = destinations.filter((d) => d.enabled && room(d.id) > 0);
      if (open.length === 0) return;
      const full = destinations.filter((d) => room(d.id) <= 0).map((d) => d.id);
      const { now, until } = this.lease();
      const due = await this.outbox.claimDeliveries(
        instanceId,
        now,
        until,
        Math.min(batchSize, concurrency * open.length),
        room,
        full,
      );
      if (due.length === 0) return;
      let byId = new Map(destinations.map((d) => [d.id, d]));
      if (due.some((d) => !byId.has(d.destinationId))) {
        destinations = await this.outbox.destinations();
        byId = new Map(destinations.map((d) => [d.id, d]));
      }
      for (const delivery of due) this.launch(delivery, byId.get(delivery.destinationId));
    }
  }

  /** Starts one delivery in its destination's lane; when it ends, the lane has room again. */
  private launch(delivery: Delivery, destination: Destination | undefined): void {
    const lane = this.lanes.get(delivery.destinationId) ?? new Set<Promise<void>>();
    this.lanes.set(delivery.destinationId, lane);
    const running: Promise<void> = this.deliver(delivery, destination)
      .catch((error: unknown) => {
        this.deps.logger.error(
          { eventId: delivery.eventId, destination: delivery.destinationId, err: String(error) },
          "delivery not recorded",
        );
      })
      .finally(() => {
        lane.delete(running);
        this.underway.delete(running);
        if (lane.size === 0) this.lanes.delete(delivery.destinationId);
        if (this.inFlight() === 0) this.stopRenewing();
        this.loop.wake();
      });
    lane.add(running);
    this.underway.set(running, delivery);
    this.renewWhileBusy();
  }

  /** While deliveries are under way, their claims are renewed (a third of the lease at a time). */
  private renewWhileBusy(): void {
    if (this.renewal) return;
    this.renewal = setInterval(() => {
      const { until } = this.lease();
      const held = [...this.underway.values()];
      this.outbox.renewClaims(this.options.instanceId, until, held).catch((error: unknown) => {
        this.deps.logger.warn({ err: String(error) }, "outbox claims not renewed");
      });
    }, this.options.leaseMs / 3);
    this.renewal.unref();
  }

  private stopRenewing(): void {
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = undefined;
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
          sendToDestination(
            destination,
            delivery.event,
            started,
            this.options.timeoutMs,
            this.outbox.network,
          ),
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
    // Not recorded (the store failed): the claim lapses after the lease and the delivery is tried again.
    await this.outbox.record(delivery, outcome, this.options.instanceId);
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
