import {
  type Attributes,
  type AttributeValue,
  context,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";

/** The instrumentation scope of every span and metric Handoff makes. */
export const INSTRUMENTATION_NAME = "@handoff/server";
/** `@handoff/server`'s version (a test keeps it equal to package.json's). */
export const INSTRUMENTATION_VERSION = "0.1.0";

/**
 * Span attribute names. Identifiers and outcomes only: never card data, tokens, idempotency keys
 * (they hold the token), secrets, request bodies or destination URLs.
 */
export const ATTR = {
  orderId: "handoff.order_id",
  attemptId: "handoff.attempt_id",
  cartId: "handoff.cart_id",
  paymentId: "handoff.payment_id",
  disputeId: "handoff.dispute_id",
  /** What a use case, a webhook event or a delivery came to (`approved`, `CART_CHANGED`, `processed`…). */
  outcome: "handoff.outcome",
  /** A processor call as the order timeline names it, ids templated: `POST /payments/{id}/captures`. */
  operation: "handoff.processor.operation",
  /** 1 for the first try of a processor call, 2 for its first retry… */
  processorAttempt: "handoff.processor.attempt",
  /** Checkout.com's `request_id`, for its support. */
  requestId: "handoff.processor.request_id",
  eventId: "handoff.event_id",
  eventType: "handoff.event_type",
  destination: "handoff.destination",
  /** The webhook event's or the delivery's attempt number, from 1. */
  attempt: "handoff.attempt",
  httpStatus: "http.response.status_code",
  errorType: "error.type",
} as const;

let cached: { provider: TracerProvider; tracer: Tracer } | undefined;

/**
 * Handoff's tracer, from whatever provider is registered now: a no-op until the app registers an
 * SDK, whenever it does (the API's global proxy hands spans on once one is set).
 */
export function tracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (cached?.provider !== provider)
    cached = { provider, tracer: provider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) };
  return cached.tracer;
}

/** Attributes without the undefined ones, so callers can pass optional values as they are. */
export function attributes(values: Record<string, AttributeValue | undefined>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = value;
  return out;
}

/** Marks the span failed with what was thrown (the exception event, the status, `error.type`). */
export function recordFailure(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setAttribute(ATTR.errorType, exception.name || "Error");
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Record<string, AttributeValue | undefined>;
}

/**
 * Runs `work` in a new span, active for everything it calls (processor calls inside a confirm are
 * its children). A throw is recorded on the span and thrown on; the span ends either way.
 */
export function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer().startSpan(name, {
    ...(options.kind === undefined ? {} : { kind: options.kind }),
    ...(options.attributes ? { attributes: attributes(options.attributes) } : {}),
  });
  return context.with(trace.setSpan(context.active(), span), async () => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Runs `work` with `span` active, without ending it (the caller ends it once it knows the outcome). */
export function withSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}
