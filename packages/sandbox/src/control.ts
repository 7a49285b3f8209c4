import { DISPUTE_EVENT_TYPES, PAYMENT_EVENT_TYPES } from "@handoff/contracts";
import { FAULT_ROUTES, type FaultRoute } from "./faults.js";
import type { Reply, RequestContext, Router } from "./http/router.js";
import type { ActionKind } from "./payments/service.js";
import { paymentDetails } from "./payments/views.js";
import type { Sandbox } from "./server.js";
import { ChaosSpecError, NO_CHAOS, parseChaos } from "./webhooks/chaos.js";
import { disputeEvent, paymentEvent } from "./webhooks/events.js";

/**
 * `/_sandbox/…`: the test and CLI control surface. It exists only in the sandbox and needs no key;
 * bind the sandbox to loopback.
 */
const bad = (message: string): Reply => ({ status: 400, body: { error: "INVALID_REQUEST", message } });

async function jsonBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const text = await ctx.rawBody();
  return text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export function controlRoutes(r: Router, sandbox: Sandbox): void {
  r.on("GET", "/_sandbox/health", () => ({ status: 200, body: { ok: true } }));

  r.on("GET", "/_sandbox/payments", (ctx) => {
    const limit = Number(ctx.url.searchParams.get("limit") ?? 100);
    const all = [...sandbox.payments.payments.values()];
    return {
      status: 200,
      body: { total_count: all.length, data: all.slice(-limit).map((p) => paymentDetails(p, sandbox.url)) },
    };
  });

  r.on("GET", "/_sandbox/events", () => ({
    status: 200,
    body: {
      data: sandbox.webhooks.events.map(({ body, ...event }) => ({ ...event, body: JSON.parse(body) })),
    },
  }));

  r.on("GET", "/_sandbox/deliveries", () => ({ status: 200, body: { data: sandbox.webhooks.attempts } }));

  /** Waits until every webhook is delivered or given up (tests call this instead of sleeping). */
  r.on("GET", "/_sandbox/idle", async (ctx) => {
    const timeout = Number(ctx.url.searchParams.get("timeout") ?? 30_000);
    const idle = await Promise.race([
      sandbox.idle().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeout).unref()),
    ]);
    return { status: idle ? 200 : 408, body: { idle } };
  });

  r.on("POST", "/_sandbox/reset", () => {
    sandbox.reset();
    return { status: 204 };
  });

  r.on("POST", "/_sandbox/trigger", async (ctx) => {
    const body = await jsonBody(ctx);
    const type = String(body.type ?? "");
    const paymentId = String(body.payment ?? body.paymentId ?? "");
    const payment = sandbox.payments.find(paymentId);
    if (!payment) return { status: 404, body: { error: "NOT_FOUND", message: `No payment ${paymentId}` } };
    const isDispute = (DISPUTE_EVENT_TYPES as readonly string[]).includes(type);
    if (!isDispute && !(PAYMENT_EVENT_TYPES as readonly string[]).includes(type)) {
      return bad(`Unknown event type "${type}". Use a payment_* or dispute_* type from Checkout.com's list.`);
    }
    const envelope = isDispute
      ? disputeEvent(type, payment, sandbox.url, sandbox.now())
      : paymentEvent(type, payment, sandbox.url, sandbox.now(), payment.actions.at(-1));
    const event = sandbox.webhooks.emit(envelope);
    return { status: 201, body: { id: event.id, type: event.type } };
  });

  /** Opens a dispute against a payment, as a cardholder's bank would: `{payment, category?, reasonCode?}`. */
  r.on("POST", "/_sandbox/disputes", async (ctx) => {
    const body = await jsonBody(ctx);
    const payment = sandbox.payments.find(String(body.payment ?? body.paymentId ?? ""));
    if (!payment) return { status: 404, body: { error: "NOT_FOUND", message: "No such payment" } };
    if (payment.balances.total_captured === 0) return bad("Only a captured payment can be disputed.");
    const dispute = sandbox.disputes.open(payment, {
      ...(typeof body.category === "string" ? { category: body.category } : {}),
      ...(typeof body.reasonCode === "string" ? { reasonCode: body.reasonCode } : {}),
    });
    return { status: 201, body: sandbox.disputes.view(dispute, sandbox.url) };
  });

  r.on("PUT", "/_sandbox/webhooks", async (ctx) => {
    const body = await jsonBody(ctx);
    if (!Array.isArray(body.urls) || body.urls.some((u) => typeof u !== "string"))
      return bad("urls must be a list");
    sandbox.webhookUrls = body.urls as string[];
    return { status: 200, body: { urls: sandbox.webhookUrls } };
  });

  r.on("PUT", "/_sandbox/chaos", async (ctx) => {
    const body = await jsonBody(ctx);
    try {
      const chaos = typeof body.spec === "string" ? parseChaos(body.spec) : NO_CHAOS;
      sandbox.setChaos(chaos, typeof body.seed === "number" ? body.seed : undefined);
      return { status: 200, body: { chaos } };
    } catch (error) {
      if (error instanceof ChaosSpecError) return bad(error.message);
      throw error;
    }
  });

  r.on("PUT", "/_sandbox/time-scale", async (ctx) => {
    const scale = Number((await jsonBody(ctx)).timeScale);
    if (!(scale > 0)) return bad("timeScale must be a positive number");
    sandbox.timeScale = scale;
    return { status: 200, body: { timeScale: scale } };
  });

  r.on("POST", "/_sandbox/faults", async (ctx) => {
    const body = await jsonBody(ctx);
    const route = body.route as FaultRoute;
    if (!FAULT_ROUTES.includes(route)) return bad(`route must be one of ${FAULT_ROUTES.join(", ")}`);
    sandbox.addFault({
      route,
      count: typeof body.count === "number" ? body.count : 1,
      ...(typeof body.status === "number" ? { status: body.status } : {}),
      ...(typeof body.delayMs === "number" ? { delayMs: body.delayMs } : {}),
      ...(body.drop === true ? { drop: true } : {}),
    });
    return { status: 201 };
  });

  r.on("POST", "/_sandbox/clock", async (ctx) => {
    const advance = Number((await jsonBody(ctx)).advanceMs);
    if (!Number.isFinite(advance) || advance < 0) return bad("advanceMs must be a non-negative number");
    sandbox.advanceClock(advance);
    return { status: 200, body: { now: new Date(sandbox.now()).toISOString() } };
  });

  r.on("POST", "/_sandbox/payments/:id/decline-next", async (ctx) => {
    const action = (await jsonBody(ctx)).action as ActionKind;
    if (!["capture", "refund", "void"].includes(action)) return bad("action must be capture, refund or void");
    if (!sandbox.payments.declineNextAction(ctx.params.id ?? "", action)) return { status: 404 };
    return { status: 204 };
  });
}
