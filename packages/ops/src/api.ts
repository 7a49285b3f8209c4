import {
  acceptDispute,
  type DestinationInput,
  DestinationRefusedError,
  destinationInputSchema,
  type Handoff,
  newDestinationSecret,
  type Outbox,
  releaseReview,
  requestOperatorAction,
  type SettlementService,
  type SqlClient,
  submitDisputeEvidence,
  timelinePage,
  toDestination,
  type Webhooks,
} from "@handoff/server";
import express, { type Router } from "express";
import { signed } from "./auth/guard.js";
import { rangeOf, shown } from "./pages/destinations.js";
import { filterIssues } from "./pages/filters.js";
import { ACTIONS, searchFrom, TIMELINE_PAGE } from "./pages/orders.js";
import { payoutsApi } from "./pages/payouts.js";
import { settlementOfOrder } from "./pages/settlement.js";

/** What a capture, void or refund request may carry. */
const ACTION_FIELDS = ["amount", "full", "reason", "currency"];

/**
 * Refuses an action request whose body would be read as something else than was sent: not JSON
 * (ignored, it would read as empty), or a field that means nothing here (ignored, the action would
 * go ahead without it).
 */
function actionBodyProblem(req: express.Request): { status: number; body: object } | undefined {
  const hasBody = Number(req.get("content-length") ?? 0) > 0 || req.get("transfer-encoding") !== undefined;
  if (hasBody && !req.is("application/json"))
    return {
      status: 415,
      body: {
        error: "UNSUPPORTED_MEDIA_TYPE",
        message: "Send the body as JSON (Content-Type: application/json).",
      },
    };
  const body: unknown = req.body ?? {};
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { status: 400, body: { error: "INVALID_REQUEST", message: "The body must be a JSON object." } };
  const unknown = Object.keys(body).filter((k) => !ACTION_FIELDS.includes(k));
  if (unknown.length > 0)
    return {
      status: 400,
      body: {
        error: "INVALID_REQUEST",
        message: `Unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: an action takes ${ACTION_FIELDS.join(", ")}.`,
        issues: unknown.map((path) => ({ path, message: "not a field of this request" })),
      },
    };
  return undefined;
}

/**
 * The JSON API, behind each operator's bearer token. Amounts are minor units (machines), `reason`
 * goes on the timeline with the operator's name, and an `Idempotency-Key` header makes a retried
 * request one action at Checkout.com.
 */
export function opsApi(options: {
  handoff: Handoff;
  db: SqlClient;
  abandonedAfterMs?: number | undefined;
  webhooks: Webhooks;
  outbox?: Outbox | undefined;
  stuckAfterMs: number;
  settlement?: SettlementService | undefined;
}): Router {
  const { deps } = options.handoff;
  const { store } = deps;
  const api = express.Router();
  const json = express.json({ limit: "16kb" });
  const notFound = (res: express.Response, what: string) =>
    void res.status(404).json({ error: `${what.toUpperCase()}_NOT_FOUND`, message: `No such ${what}.` });

  api.use(payoutsApi(options.settlement));
  api.get("/orders", async (req, res) => {
    const issues = filterIssues(req);
    if (issues.length > 0)
      return void res.status(400).json({
        error: "INVALID_REQUEST",
        message: `Filters not understood: ${issues.map((i) => `${i.path} (${i.message})`).join("; ")}.`,
        issues,
      });
    const result = await store.searchOrders(searchFrom(req, deps.now(), options.abandonedAfterMs));
    res.json(result);
  });
  api.get("/orders/:id", async (req, res) => {
    const order = await store.getOrder(req.params.id);
    if (!order) return notFound(res, "order");
    // The timeline a page at a time, newest first: `timelineBefore` is the previous answer's `timelineOlder`.
    const before = Number(req.query.timelineBefore);
    const limit = Number(req.query.timelineLimit);
    const page = await timelinePage(options.db, order.id, {
      limit: Number.isSafeInteger(limit) && limit > 0 ? Math.min(limit, 200) : TIMELINE_PAGE,
      ...(Number.isSafeInteger(before) && before > 0 ? { before } : {}),
    });
    res.json({
      order,
      attempts: (await store.attemptsOfOrder(order.id)).map(
        ({ processorToken: _t, idempotencyKey: _k, ...a }) => a,
      ),
      timeline: page.entries,
      ...(page.older ? { timelineOlder: page.older } : {}),
      webhooks: (await options.webhooks.inbox.list({ orderId: order.id, limit: 100 })).map(
        ({ rawBody: _b, headers: _h, ...e }) => e,
      ),
      settlement: await settlementOfOrder(options.settlement, order),
    });
  });
  api.post("/orders/:id/release", async (req, res) => {
    const reply = await releaseReview(deps, req.params.id, signed(res).operator.name);
    res.status(reply.status).json(reply.body);
  });
  api.post("/orders/:id/:action", json, async (req, res) => {
    const action = ACTIONS.find((a) => a === req.params.action);
    if (!action)
      return void res
        .status(404)
        .json({ error: "NOT_FOUND", message: "Actions are capture, void and refund." });
    const refused = actionBodyProblem(req);
    if (refused) return void res.status(refused.status).json(refused.body);
    const body = (req.body ?? {}) as {
      amount?: unknown;
      full?: unknown;
      reason?: unknown;
      currency?: unknown;
    };
    if (body.currency !== undefined) {
      const order = await store.getOrder(req.params.id);
      if (!order) return notFound(res, "order");
      // Amounts are in the order's currency: one named otherwise would move another sum than meant.
      if (typeof body.currency !== "string" || body.currency.toUpperCase() !== order.currency)
        return void res.status(400).json({
          error: "INVALID_REQUEST",
          message: `This order is in ${order.currency}; amounts are its minor units.`,
          issues: [{ path: "currency", message: `expected ${order.currency}` }],
        });
    }
    const key = req.get("idempotency-key");
    if (key !== undefined && !/^[A-Za-z0-9_:.-]{8,100}$/.test(key))
      return void res
        .status(400)
        .json({ error: "INVALID_REQUEST", message: "Idempotency-Key: 8 to 100 letters, digits, _ : . -" });
    const reply = await requestOperatorAction(deps, req.params.id, action, {
      amount: body.amount,
      full: body.full,
      operator: signed(res).operator.name,
      ...(typeof body.reason === "string" ? { reason: body.reason } : {}),
      ...(key ? { requestKey: `${signed(res).operator.name}:${key}` } : {}),
    });
    res.status(reply.status).json(reply.body);
  });
  api.get("/disputes", async (_req, res) => {
    const found = await deps.processor.listDisputes({});
    if (found.kind !== "found")
      return void res
        .status(503)
        .json({ error: "PROCESSOR_UNAVAILABLE", message: "Checkout.com could not be asked for disputes." });
    res.json({ disputes: found.disputes });
  });
  api.post("/disputes/:id/accept", async (req, res) => {
    const reply = await acceptDispute(deps, req.params.id, signed(res).operator.name);
    res.status(reply.status).json(reply.body);
  });
  /** Evidence as text (files go through the page, or Checkout.com's own /files first). */
  api.post("/disputes/:id/evidence", json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = Object.fromEntries(
      ["proof_of_delivery_or_service", "customer_communication", "additional_evidence"]
        .filter((k) => typeof body[k] === "string")
        .map((k) => [k, String(body[k])]),
    );
    const reply = await submitDisputeEvidence(
      deps,
      req.params.id,
      { text, files: [] },
      signed(res).operator.name,
    );
    res.status(reply.status).json(reply.body);
  });
  api.get("/webhooks", async (req, res) => {
    const q = typeof req.query.q === "string" && req.query.q ? req.query.q : undefined;
    const after = typeof req.query.after === "string" && req.query.after ? req.query.after : undefined;
    const found = await options.webhooks.inbox.list({
      ...(q ? { query: q } : {}),
      ...(after ? { before: after } : {}),
      limit: 201,
    });
    const events = found.slice(0, 200);
    const last = events.at(-1);
    res.json({
      events: events.map(({ rawBody: _b, headers: _h, ...e }) => e),
      ...(found.length > 200 && last ? { next: `${last.receivedAt}|${last.id}` } : {}),
    });
  });
  api.get("/rejected", async (_req, res) => {
    res.json({ rejected: await options.webhooks.inbox.rejected(200) });
  });
  api.post("/webhooks/:id/replay", async (req, res) => {
    const found = await options.webhooks.reprocess(req.params.id);
    if (!found) return notFound(res, "event");
    res.status(202).json({ replaying: true });
  });
  api.post("/reconcile", async (_req, res) => {
    res.json(await options.webhooks.reconcile(options.stuckAfterMs));
  });

  const outbox = options.outbox;
  if (outbox) {
    const ds = outbox.store;
    const now = () => deps.now().toISOString();
    api.get("/destinations", async (_req, res) => {
      const counts = await ds.counts();
      res.json({ destinations: (await ds.destinations()).map((d) => shown(d, counts.get(d.id))) });
    });
    api.post("/destinations", json, async (req, res) => {
      const parsed = destinationInputSchema.safeParse({
        secret: newDestinationSecret(),
        ...(req.body ?? {}),
      } as DestinationInput);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return void res.status(400).json({
          error: "INVALID_REQUEST",
          message: `${issue?.path.join(".") || "body"}: ${issue?.message}`,
        });
      }
      const existing = await ds.destination(parsed.data.id);
      if (existing?.source === "file")
        return void res.status(409).json({
          error: "DESTINATION_FROM_FILE",
          message: "This destination comes from HANDOFF_DESTINATIONS; change it there.",
        });
      const destination = toDestination(parsed.data, "ops");
      try {
        await ds.saveDestination(destination, now());
      } catch (error) {
        if (!(error instanceof DestinationRefusedError)) throw error;
        return void res.status(400).json({ error: error.code, message: error.message });
      }
      // The secret is shown once, to the operator who made it.
      res
        .status(existing ? 200 : 201)
        .json({ destination: shown(destination), secret: destination.secrets[0] });
    });
    api.delete("/destinations/:id", async (req, res) => {
      const existing = await ds.destination(req.params.id);
      if (!existing) return notFound(res, "destination");
      if (existing.source === "file")
        return void res
          .status(409)
          .json({ error: "DESTINATION_FROM_FILE", message: "Remove it from HANDOFF_DESTINATIONS." });
      await ds.deleteDestination(req.params.id);
      res.status(204).end();
    });
    for (const action of ["pause", "resume"] as const) {
      api.post(`/destinations/:id/${action}`, async (req, res) => {
        if (!(await ds.setEnabled(req.params.id, action === "resume", undefined, now())))
          return notFound(res, "destination");
        if (action === "resume") outbox.worker.wake();
        const d = await ds.destination(req.params.id);
        res.json({ destination: d ? shown(d) : undefined });
      });
    }
    api.get("/destinations/:id/attempts", async (req, res) => {
      if (!(await ds.destination(req.params.id))) return notFound(res, "destination");
      res.json({ attempts: await ds.attempts(req.params.id, 200) });
    });
    api.get("/destinations/:id/dead-letters", async (req, res) => {
      if (!(await ds.destination(req.params.id))) return notFound(res, "destination");
      res.json({
        deadLetters: await ds.deliveries({ destinationId: req.params.id, status: "dead", limit: 200 }),
      });
    });
    api.post("/destinations/:id/replay", json, async (req, res) => {
      const d = await ds.destination(req.params.id);
      if (!d) return notFound(res, "destination");
      const body = (req.body ?? {}) as { eventId?: unknown; from?: unknown; to?: unknown };
      if (typeof body.eventId === "string") {
        const replay = await ds.replayOne(d.id, body.eventId, now());
        if (replay === "no_event") return notFound(res, "event");
        if (replay === "not_taken")
          return void res.status(422).json({
            error: "EVENT_NOT_TAKEN",
            message: "This destination's events filter does not take that event.",
          });
        outbox.worker.wake();
        return void res.status(202).json({ replaying: 1 });
      }
      const range = rangeOf(body);
      if (typeof range === "string")
        return void res.status(400).json({ error: "INVALID_REQUEST", message: range });
      const count = await ds.replayRange(d, range.from, range.to, now());
      outbox.worker.wake();
      res.status(202).json({ replaying: count });
    });
  }
  api.use(
    (_req, res) => void res.status(404).json({ error: "NOT_FOUND", message: "No such ops API route." }),
  );
  return api;
}
