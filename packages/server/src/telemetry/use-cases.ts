import { type AttributeValue, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ApiReply } from "../reply.js";
import { ATTR, attributes, recordFailure, tracer, withSpan } from "./tracer.js";

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * What a reply came to, in a word: a confirm's `status` (`approved`, `declined`, `requires_action`),
 * else the error code (`CART_CHANGED`, `PAYMENT_UNAVAILABLE`…), else `ok` or `http_<status>`.
 */
export function replyOutcome(reply: ApiReply): string {
  const body = (typeof reply.body === "object" && reply.body !== null ? reply.body : {}) as Record<
    string,
    unknown
  >;
  return text(body.status) ?? text(body.error) ?? (reply.status < 400 ? "ok" : `http_${reply.status}`);
}

/** The request's cart id, when it is a string: the only field of a body a span ever reads. */
export function cartIdOf(body: unknown): string | undefined {
  return typeof body === "object" && body !== null ? text((body as { cartId?: unknown }).cartId) : undefined;
}

export interface UseCaseTracing {
  attributes?: Record<string, AttributeValue | undefined>;
  /** Told each outcome (`exception` when the use case threw): the confirm outcomes counter. */
  count?: (outcome: string) => void;
  /**
   * The attempt behind the reply's order, for the span only: looked up after the reply is handed
   * back, and only while an SDK records the span, so it costs the shopper nothing.
   */
  attemptOf?: (orderId: string) => Promise<string | undefined>;
}

/**
 * Runs a use case in a span named `name`: the reply's HTTP status, its outcome and the order it
 * names go on the span; a 5xx or a throw marks it failed.
 */
export async function traceUseCase(
  name: string,
  tracing: UseCaseTracing,
  run: () => Promise<ApiReply>,
): Promise<ApiReply> {
  const span = tracer().startSpan(name, {
    kind: SpanKind.INTERNAL,
    ...(tracing.attributes ? { attributes: attributes(tracing.attributes) } : {}),
  });
  let reply: ApiReply;
  try {
    reply = await withSpan(span, run);
  } catch (error) {
    tracing.count?.("exception");
    recordFailure(span, error);
    span.end();
    throw error;
  }
  const outcome = replyOutcome(reply);
  tracing.count?.(outcome);
  const body = (typeof reply.body === "object" && reply.body !== null ? reply.body : {}) as Record<
    string,
    unknown
  >;
  const orderId = text(body.orderId);
  span.setAttributes(
    attributes({
      [ATTR.httpStatus]: reply.status,
      [ATTR.outcome]: outcome,
      [ATTR.orderId]: orderId,
      [ATTR.paymentId]: text(body.paymentId),
    }),
  );
  if (reply.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  if (!(tracing.attemptOf && orderId && span.isRecording())) {
    span.end();
    return reply;
  }
  const ended = new Date();
  const attemptOf = tracing.attemptOf;
  Promise.resolve()
    .then(() => attemptOf(orderId))
    .then(
      (attemptId) => {
        if (attemptId) span.setAttribute(ATTR.attemptId, attemptId);
      },
      () => undefined,
    )
    .finally(() => span.end(ended));
  return reply;
}
