import { type Counter, type Histogram, type Meter, type MeterProvider, metrics } from "@opentelemetry/api";
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from "./tracer.js";

/** Metric names, as an SDK exports them (Prometheus: dots become underscores, counters gain `_total`). */
export const METRICS = {
  confirmOutcomes: "handoff.confirm.outcomes",
  deliveryFailures: "handoff.outbox.delivery_failures",
  processorDuration: "handoff.processor.duration",
  inboxBacklog: "handoff.inbox.backlog",
  outboxBacklog: "handoff.outbox.backlog",
} as const;

/** Bucket bounds for processor latency, in ms: most answers take 100 ms to 2 s, a timeout 10 s. */
const LATENCY_BUCKETS_MS = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

interface Instruments {
  confirmOutcomes: Counter;
  deliveryFailures: Counter;
  processorDuration: Histogram;
}

let cached: { provider: MeterProvider; instruments: Instruments } | undefined;

/** Handoff's meter, from the provider registered now (the no-op one until the app registers an SDK). */
export function meter(): Meter {
  return metrics.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
}

/**
 * The instruments of the provider registered now. The metrics API has no proxy like the trace
 * API's, so they are made again when the app registers (or replaces) its provider after Handoff
 * was loaded, and cost nothing before.
 */
function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider !== provider) {
    const m = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
    cached = {
      provider,
      instruments: {
        confirmOutcomes: m.createCounter(METRICS.confirmOutcomes, {
          description:
            "Confirms answered, by outcome: approved, declined, requires_action or the error code.",
          unit: "{confirm}",
        }),
        deliveryFailures: m.createCounter(METRICS.deliveryFailures, {
          description: "Outbox delivery attempts that failed, by destination and reason.",
          unit: "{attempt}",
        }),
        processorDuration: m.createHistogram(METRICS.processorDuration, {
          description: "Each HTTP call to Checkout.com, retries counted apart, by operation and result.",
          unit: "ms",
          advice: { explicitBucketBoundaries: LATENCY_BUCKETS_MS },
        }),
      },
    };
  }
  return cached.instruments;
}

/** One confirm answered: `outcome` is the reply's status (`approved`…), its error code, or `exception`. */
export function countConfirmOutcome(outcome: string): void {
  instruments().confirmOutcomes.add(1, { outcome });
}

/** One delivery attempt that failed: `reason` is `http_500`, `timeout`, `network_error` or `destination_removed`. */
export function countDeliveryFailure(destination: string, reason: string): void {
  instruments().deliveryFailures.add(1, { destination, reason });
}

/** One processor call's duration: `operation` templated (`POST /payments/{id}/captures`), `result` `ok`, `http_402`, `timeout`… */
export function recordProcessorDuration(operation: string, result: string, durationMs: number): void {
  instruments().processorDuration.record(durationMs, { operation, result });
}
