import { type AttributeValue, type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ProcessorCall } from "../processor/port.js";
import { recordProcessorDuration } from "./metrics.js";
import { ATTR, attributes, tracer } from "./tracer.js";

const WITH_ID = /^([A-Z]+) \/(payments|disputes)\/([^/?]+)(.*)$/;

/**
 * An operation as the timeline names it (`POST /payments/pay_…/captures`) made fit for a span name
 * and a metric attribute, its id taken out: `POST /payments/{id}/captures` and the id apart.
 */
export function templateOperation(operation: string): { template: string; ids: Record<string, string> } {
  const m = WITH_ID.exec(operation);
  if (!m) return { template: operation, ids: {} };
  const [, method, collection, id = "", rest] = m;
  return {
    template: `${method} /${collection}/{id}${rest}`,
    ids: { [collection === "payments" ? ATTR.paymentId : ATTR.disputeId]: id },
  };
}

/**
 * The span of one HTTP call to Checkout.com (each retry its own), started before the request so
 * an HTTP instrumentation's span nests under it. End it with `endProcessorCall`.
 */
export function startProcessorCall(
  operation: string,
  attempt: number,
  extra: Record<string, AttributeValue | undefined> = {},
): Span {
  const { template, ids } = templateOperation(operation);
  return tracer().startSpan(template, {
    kind: SpanKind.CLIENT,
    attributes: attributes({
      [ATTR.operation]: template,
      [ATTR.processorAttempt]: attempt,
      "http.request.method": template.split(" ")[0],
      ...ids,
      ...extra,
    }),
  });
}

/** `ok` for an answer below 400, else `http_<status>`; no answer: `timeout`, `network_error`, `unexpected_response_shape`. */
export function callResult(call: Pick<ProcessorCall, "status" | "error">): string {
  if (call.error !== undefined) return call.error.toLowerCase().replace(/\W+/g, "_");
  const status = call.status ?? 0;
  return status > 0 && status < 400 ? "ok" : `http_${status}`;
}

/** Ends the call's span with what the timeline records, and counts its duration. */
export function endProcessorCall(span: Span, call: ProcessorCall): void {
  const result = callResult(call);
  if (call.status !== undefined) span.setAttribute(ATTR.httpStatus, call.status);
  if (call.requestId) span.setAttribute(ATTR.requestId, call.requestId);
  span.setAttribute(ATTR.outcome, result);
  if (result !== "ok") {
    span.setAttribute(ATTR.errorType, call.error === undefined ? String(call.status ?? 0) : result);
    span.setStatus({ code: SpanStatusCode.ERROR, ...(call.error ? { message: call.error } : {}) });
  }
  span.end();
  recordProcessorDuration(templateOperation(call.operation).template, result, call.durationMs);
}
