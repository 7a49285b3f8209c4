import { readFileSync } from "node:fs";
import { context, metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { type DataPoint, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destinationInputSchema, toDestination } from "../outbox/destinations.js";
import { newDestinationSecret } from "../outbox/sign.js";
import { type Receiver, startReceiver } from "../test-support/receiver.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { backlogQueries, registerBacklogGauges } from "./backlog.js";
import { callResult, templateOperation } from "./processor.js";
import { ATTR, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from "./tracer.js";

/**
 * With an SDK registered as a merchant's app would (globally, before anything runs): the spans a
 * real confirm, webhook and delivery make, and the metrics a reader collects.
 */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const spans = new InMemorySpanExporter();
const reader = new TestReader();
const receivers: Receiver[] = [];
let h: WebhookHarness;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  // A failed delivery waits a minute before its retry: it stays in the backlog for the test.
  h = await startWebhookHarness({ outbox: { pollMs: 20, retryScheduleMs: [60_000], timeoutMs: 2000 } });
});
afterAll(async () => {
  await h.close();
  for (const r of receivers) await r.close();
  trace.disable();
  metrics.disable();
  context.disable();
});

const CARDS = { approved: "4242424242424242", insufficient: "4544249167673670" };

async function pay(card = CARDS.approved) {
  const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
  const token = await h.token(card);
  const reply = await h.handoff.confirm({ cartId, processorToken: token });
  return { cartId, token, reply, orderId: (reply.body as { orderId: string }).orderId };
}

async function destination(id: string, respond: number) {
  const r = await startReceiver();
  receivers.push(r);
  r.respond = () => respond;
  await h.waitUntilQuiet();
  const parsed = destinationInputSchema.parse({
    id,
    url: r.url,
    secret: newDestinationSecret(),
    events: ["order.*"],
  });
  await h.outbox.store.saveDestination(toDestination(parsed, "ops"), new Date().toISOString());
  return r;
}

/** Finished spans matching `where`, waiting a little for those that end after the reply. */
async function finished(where: (s: ReadableSpan) => boolean, atLeast = 1): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = spans.getFinishedSpans().filter(where);
    if (found.length >= atLeast || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function points(name: string): Promise<DataPoint<unknown>[]> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const found = resourceMetrics.scopeMetrics
    .filter((s) => s.scope.name === INSTRUMENTATION_NAME)
    .flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name);
  return found.flatMap((m) => m.dataPoints as DataPoint<unknown>[]);
}

const sumOf = (found: DataPoint<unknown>[], attributes: Record<string, string>) =>
  found
    .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    .reduce((n, p) => n + (p.value as number), 0);

describe("confirm", () => {
  it("is a span with its outcome and order, parent of the processor call's span", async () => {
    const { reply, orderId, cartId, token } = await pay();
    expect(reply.status).toBe(200);
    const [span] = await finished(
      (s) => s.name === "handoff.confirm" && s.attributes[ATTR.orderId] === orderId,
    );
    expect(span?.attributes).toMatchObject({
      [ATTR.outcome]: "approved",
      [ATTR.httpStatus]: 200,
      [ATTR.cartId]: cartId,
      [ATTR.orderId]: orderId,
      [ATTR.paymentId]: expect.stringMatching(/^pay_/),
    });
    expect(span?.instrumentationScope).toMatchObject({
      name: INSTRUMENTATION_NAME,
      version: INSTRUMENTATION_VERSION,
    });
    // The attempt, looked up once the reply is out: the span ends then.
    const attempt = (await h.store.attemptsOfOrder(orderId)).at(-1);
    expect(span?.attributes[ATTR.attemptId]).toBe(attempt?.id);

    const children = spans
      .getFinishedSpans()
      .filter((s) => s.parentSpanContext?.spanId === span?.spanContext().spanId);
    const payment = children.find((s) => s.name === "POST /payments");
    expect(payment?.kind).toBe(SpanKind.CLIENT);
    expect(payment?.spanContext().traceId).toBe(span?.spanContext().traceId);
    expect(payment?.attributes).toMatchObject({
      [ATTR.operation]: "POST /payments",
      [ATTR.processorAttempt]: 1,
      [ATTR.httpStatus]: 200,
      [ATTR.orderId]: orderId,
      [ATTR.outcome]: "ok",
    });

    // Never the token, nor the idempotency key that holds it.
    const everything = JSON.stringify(spans.getFinishedSpans().map((s) => [s.name, s.attributes, s.events]));
    expect(everything).not.toContain(token);
    expect(everything).not.toContain("tok_");
  });

  it("counts outcomes, a decline as declined", async () => {
    const before = sumOf(await points("handoff.confirm.outcomes"), { outcome: "declined" });
    const { reply, orderId } = await pay(CARDS.insufficient);
    expect(reply.status).toBe(402);
    const found = await points("handoff.confirm.outcomes");
    expect(sumOf(found, { outcome: "declined" })).toBe(before + 1);
    expect(sumOf(found, { outcome: "approved" })).toBeGreaterThanOrEqual(1);
    const [span] = await finished(
      (s) => s.name === "handoff.confirm" && s.attributes[ATTR.orderId] === orderId,
    );
    expect(span?.attributes[ATTR.outcome]).toBe("declined");
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it("counts an error reply by its code, and a session is a span too", async () => {
    const reply = await h.handoff.confirm({ cartId: "cart_nope", processorToken: await h.token() });
    const code = (reply.body as { error: string }).error;
    expect(code).toMatch(/^[A-Z_]+$/);
    expect(sumOf(await points("handoff.confirm.outcomes"), { outcome: code })).toBeGreaterThanOrEqual(1);
    const cartId = await h.cart();
    const [session] = await finished(
      (s) => s.name === "handoff.session" && s.attributes[ATTR.cartId] === cartId,
    );
    expect(session?.attributes).toMatchObject({ [ATTR.outcome]: "ok", [ATTR.httpStatus]: 200 });
    expect(session && spans.getFinishedSpans().some((s) => s.name === "POST /payment-sessions")).toBe(true);
  });

  it("records each processor call's duration by operation and result", async () => {
    const found = await points("handoff.processor.duration");
    const payments = found.find(
      (p) => p.attributes.operation === "POST /payments" && p.attributes.result === "ok",
    );
    expect((payments?.value as { count: number } | undefined)?.count).toBeGreaterThanOrEqual(1);
    for (const p of found) expect(String(p.attributes.operation)).not.toMatch(/pay_|dsp_/);
  });
});

describe("webhooks", () => {
  it("processing one event is a span with its type, order and outcome", async () => {
    const { orderId } = await pay();
    await h.waitUntilQuiet();
    const processed = await finished(
      (s) => s.name === "handoff.webhook.process" && s.attributes[ATTR.orderId] === orderId,
    );
    expect(processed.length).toBeGreaterThanOrEqual(1);
    expect(processed[0]?.kind).toBe(SpanKind.CONSUMER);
    expect(processed[0]?.attributes).toMatchObject({
      [ATTR.outcome]: "processed",
      [ATTR.attempt]: 1,
      [ATTR.eventId]: expect.stringMatching(/^evt_/),
      [ATTR.eventType]: expect.stringMatching(/^payment_/),
      [ATTR.paymentId]: expect.stringMatching(/^pay_/),
    });
  });
});

describe("outbox", () => {
  it("each delivery is a span; a failing destination's attempts are counted and stay in the backlog", async () => {
    await destination("telemetry-ok", 204);
    await destination("telemetry-down", 503);
    let reads = 0;
    const db = {
      dialect: h.db.dialect,
      execute: (sql: string) => {
        reads++;
        return h.db.execute(sql);
      },
    };
    const stop = registerBacklogGauges({ db, refreshMs: 0 });
    try {
      const { orderId } = await pay();
      await h.waitUntilQuiet();
      const delivered = await finished(
        (s) =>
          s.name === "handoff.outbox.deliver" &&
          s.attributes[ATTR.destination] === "telemetry-ok" &&
          s.attributes[ATTR.orderId] === orderId,
        2,
      );
      expect(delivered.map((s) => s.attributes[ATTR.eventType]).sort()).toEqual([
        "order.captured",
        "order.paid",
      ]);
      expect(delivered[0]?.attributes).toMatchObject({ [ATTR.outcome]: "delivered", [ATTR.httpStatus]: 204 });

      // Per order, the next event waits for the one before it: order.paid is tried, and waits a minute.
      const [failed] = await finished(
        (s) =>
          s.name === "handoff.outbox.deliver" &&
          s.attributes[ATTR.destination] === "telemetry-down" &&
          s.attributes[ATTR.orderId] === orderId,
      );
      expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed?.attributes).toMatchObject({
        [ATTR.outcome]: "retrying",
        [ATTR.httpStatus]: 503,
        [ATTR.errorType]: "http_503",
        [ATTR.attempt]: 1,
      });
      expect(
        sumOf(await points("handoff.outbox.delivery_failures"), {
          destination: "telemetry-down",
          reason: "http_503",
        }),
      ).toBeGreaterThanOrEqual(1);

      const outbox = await points("handoff.outbox.backlog");
      expect(sumOf(outbox, { stage: "delivery", destination: "telemetry-down" })).toBeGreaterThanOrEqual(2);
      expect(sumOf(outbox, { stage: "delivery", destination: "telemetry-ok" })).toBe(0);
      expect(outbox.some((p) => p.attributes.stage === "fan_out")).toBe(true);
      const inbox = await points("handoff.inbox.backlog");
      expect(inbox.map((p) => p.attributes.status).sort()).toEqual(["parked", "received", "retrying"]);
    } finally {
      stop();
    }
    // Unregistered: the database is not read any more.
    const before = reads;
    await points("handoff.inbox.backlog");
    expect(reads).toBe(before);
  });
});

describe("backlog gauges", () => {
  it("never throw into the collection when the database fails, and read at most every refreshMs", async () => {
    let reads = 0;
    const failing = registerBacklogGauges({
      db: {
        dialect: "sqlite",
        execute: async () => {
          reads++;
          throw new Error("database closed");
        },
      },
      refreshMs: 60_000,
    });
    try {
      await points("handoff.inbox.backlog");
      await points("handoff.inbox.backlog");
      expect(reads).toBe(1);
    } finally {
      failing();
    }
  });

  it("count on indexed conditions (SQLite's plans name the indexes)", async () => {
    if (h.db.dialect !== "sqlite") return;
    const queries = backlogQueries("sqlite");
    const plan = async (sql: string) =>
      JSON.stringify((await h.db.execute(`EXPLAIN QUERY PLAN ${sql}`)).rows).toLowerCase();
    expect(await plan(queries.inbox)).toContain("using covering index webhook_events_due");
    expect(await plan(queries.fanOut)).toContain("outbox_waiting");
    expect(await plan(queries.deliveries)).toContain("using index deliveries_due");
  });
});

describe("names", () => {
  it("the scope's version is the package's", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(INSTRUMENTATION_VERSION).toBe(pkg.version);
  });

  it("processor operations are templated, ids apart", () => {
    expect(templateOperation("POST /payments/pay_abc/captures")).toEqual({
      template: "POST /payments/{id}/captures",
      ids: { [ATTR.paymentId]: "pay_abc" },
    });
    expect(templateOperation("GET /disputes/dsp_1")).toEqual({
      template: "GET /disputes/{id}",
      ids: { [ATTR.disputeId]: "dsp_1" },
    });
    expect(templateOperation("GET /payments?reference").template).toBe("GET /payments?reference");
    expect(callResult({ status: 201 })).toBe("ok");
    expect(callResult({ status: 422 })).toBe("http_422");
    expect(callResult({ error: "network error" })).toBe("network_error");
    expect(callResult({ error: "unexpected response shape" })).toBe("unexpected_response_shape");
  });
});
