import { DISPUTE_EVENT_TYPES, PAYMENT_EVENT_TYPES } from "@handoff/contracts";
import { type Context, Hono } from "hono";
import { FAULT_ROUTES, type FaultRoute } from "../faults.js";
import { jsonBody, type SandboxEnv } from "../http/env.js";
import type { ActionKind } from "../payments/service.js";
import { paymentDetails } from "../payments/views.js";
import type { SandboxRuntime } from "../runtime.js";
import { dropUndefined, settlementConfigSchema } from "../settlement/config.js";
import { format } from "../settlement/decimal.js";
import { ChaosSpecError, NO_CHAOS, parseChaos } from "../webhooks/chaos.js";
import { disputeEvent, disputeEventFor, paymentEvent } from "../webhooks/events.js";

/**
 * `/_sandbox/…`: the test and CLI control surface. It exists only in the sandbox and needs no key;
 * bind the sandbox to loopback.
 */
const bad = (c: Context, message: string) => c.json({ error: "INVALID_REQUEST", message }, 400);
const notFound = (c: Context, message: string) => c.json({ error: "NOT_FOUND", message }, 404);

export function controlRoutes(rt: SandboxRuntime): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  app.get("/_sandbox/health", (c) => c.json({ ok: true }));

  app.get("/_sandbox/payments", (c) => {
    const limit = Number(c.req.query("limit") ?? 100);
    const all = [...rt.payments.payments.values()];
    return c.json({ total_count: all.length, data: all.slice(-limit).map((p) => paymentDetails(p, rt.url)) });
  });

  app.get("/_sandbox/events", (c) =>
    c.json({ data: rt.webhooks.events.map(({ body, ...event }) => ({ ...event, body: JSON.parse(body) })) }),
  );

  app.get("/_sandbox/deliveries", (c) => c.json({ data: rt.webhooks.attempts }));

  /** Waits until every webhook is delivered or given up (tests call this instead of sleeping). */
  app.get("/_sandbox/idle", async (c) => {
    const timeout = Number(c.req.query("timeout") ?? 30_000);
    const idle = await Promise.race([
      rt.idle().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeout).unref()),
    ]);
    return c.json({ idle }, idle ? 200 : 408);
  });

  app.post("/_sandbox/reset", (c) => {
    rt.reset();
    return c.body(null, 204);
  });

  /**
   * Sends one event about a payment. A `dispute_received` opens a real dispute (as
   * `POST /_sandbox/disputes` does), so `/disputes` and the webhook tell the same story.
   */
  app.post("/_sandbox/trigger", async (c) => {
    const body = await jsonBody(c);
    const type = String(body.type ?? "");
    const paymentId = String(body.payment ?? body.paymentId ?? "");
    const payment = rt.payments.find(paymentId);
    if (!payment) return notFound(c, `No payment ${paymentId}`);
    const isDispute = (DISPUTE_EVENT_TYPES as readonly string[]).includes(type);
    if (!isDispute && !(PAYMENT_EVENT_TYPES as readonly string[]).includes(type)) {
      return bad(
        c,
        `Unknown event type "${type}". Use a payment_* or dispute_* type from Checkout.com's list.`,
      );
    }
    if (type === "dispute_received") {
      const dispute = rt.disputes.open(payment, { announce: ["dispute_received"] });
      const event = rt.webhooks.events.findLast((e) => e.subject === dispute.id && e.type === type);
      return c.json({ id: event?.id, type, dispute: dispute.id }, 201);
    }
    // Any other dispute event concerns the payment's latest dispute, when it has one.
    const latest = [...rt.disputes.disputes.values()].findLast((d) => d.paymentId === payment.id);
    const envelope = !isDispute
      ? paymentEvent(type, payment, rt.url, rt.now(), payment.actions.at(-1))
      : latest
        ? disputeEventFor(type, latest, rt.url, rt.now())
        : disputeEvent(type, payment, rt.url, rt.now());
    const event = rt.webhooks.emit(envelope);
    return c.json({ id: event.id, type: event.type }, 201);
  });

  /** Opens a dispute against a payment, as a cardholder's bank would: `{payment, category?, reasonCode?}`. */
  app.post("/_sandbox/disputes", async (c) => {
    const body = await jsonBody(c);
    const payment = rt.payments.find(String(body.payment ?? body.paymentId ?? ""));
    if (!payment) return notFound(c, "No such payment");
    if (payment.balances.total_captured === 0) return bad(c, "Only a captured payment can be disputed.");
    const dispute = rt.disputes.open(payment, {
      ...(typeof body.category === "string" ? { category: body.category } : {}),
      ...(typeof body.reasonCode === "string" ? { reasonCode: body.reasonCode } : {}),
    });
    return c.json(rt.disputes.view(dispute, rt.url), 201);
  });

  /** Runs a settlement day now: `{day, payouts[{id, currency, amount, currency_account_id}], reports[id]}`. */
  app.post("/_sandbox/settle", (c) => {
    const run = rt.settle();
    return c.json(
      {
        day: run.day,
        payouts: run.payouts.map((p) => ({
          id: p.id,
          currency_account_id: p.currencyAccountId,
          currency: p.currency,
          amount: format(p.amount, p.currency),
          date: p.date,
        })),
        reports: run.reports.map((r) => ({ id: r.id, type: r.type, tags: r.tags })),
      },
      201,
    );
  });

  /** The settlement configuration, whose account it is, and every payout so far. */
  app.get("/_sandbox/settlement", (c) =>
    c.json({
      ...rt.settlement.config,
      account: rt.account,
      day: rt.settlement.day,
      payouts: rt.settlement.payouts.map((p) => ({
        id: p.id,
        currency_account_id: p.currencyAccountId,
        currency: p.currency,
        amount: format(p.amount, p.currency),
        date: p.date,
      })),
    }),
  );

  /** Changes the fee schedule, the seeded finance faults or the settlement day: `{fees?, faults?, dayMs?}`. */
  app.put("/_sandbox/settlement", async (c) => {
    const parsed = settlementConfigSchema.safeParse(await jsonBody(c));
    if (!parsed.success)
      return bad(c, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const config = rt.settlement.config;
    rt.settlement.config = {
      fees: { ...config.fees, ...parsed.data.fees },
      faults: parsed.data.faults ? dropUndefined(parsed.data.faults) : config.faults,
      dayMs: parsed.data.dayMs ?? config.dayMs,
    };
    return c.json({ ...rt.settlement.config, account: rt.account });
  });

  app.put("/_sandbox/webhooks", async (c) => {
    const body = await jsonBody(c);
    if (!Array.isArray(body.urls) || body.urls.some((u) => typeof u !== "string"))
      return bad(c, "urls must be a list");
    rt.webhookUrls = body.urls as string[];
    return c.json({ urls: rt.webhookUrls });
  });

  app.put("/_sandbox/chaos", async (c) => {
    const body = await jsonBody(c);
    try {
      const chaos = typeof body.spec === "string" ? parseChaos(body.spec) : NO_CHAOS;
      rt.setChaos(chaos, typeof body.seed === "number" ? body.seed : undefined);
      return c.json({ chaos });
    } catch (error) {
      if (error instanceof ChaosSpecError) return bad(c, error.message);
      throw error;
    }
  });

  app.put("/_sandbox/time-scale", async (c) => {
    const scale = Number((await jsonBody(c)).timeScale);
    if (!(scale > 0)) return bad(c, "timeScale must be a positive number");
    rt.timeScale = scale;
    return c.json({ timeScale: scale });
  });

  app.post("/_sandbox/faults", async (c) => {
    const body = await jsonBody(c);
    const route = body.route as FaultRoute;
    if (!FAULT_ROUTES.includes(route)) return bad(c, `route must be one of ${FAULT_ROUTES.join(", ")}`);
    rt.addFault({
      route,
      count: typeof body.count === "number" ? body.count : 1,
      ...(typeof body.status === "number" ? { status: body.status } : {}),
      ...(typeof body.delayMs === "number" ? { delayMs: body.delayMs } : {}),
      ...(body.drop === true ? { drop: true } : {}),
    });
    return c.body(null, 201);
  });

  app.post("/_sandbox/clock", async (c) => {
    const advance = Number((await jsonBody(c)).advanceMs);
    if (!Number.isFinite(advance) || advance < 0) return bad(c, "advanceMs must be a non-negative number");
    rt.advanceClock(advance);
    return c.json({ now: new Date(rt.now()).toISOString() });
  });

  app.post("/_sandbox/payments/:id/decline-next", async (c) => {
    const action = (await jsonBody(c)).action as ActionKind;
    if (!["capture", "refund", "void"].includes(action))
      return bad(c, "action must be capture, refund or void");
    if (!rt.payments.declineNextAction(c.req.param("id"), action)) return c.body(null, 404);
    return c.body(null, 204);
  });
  return app;
}
