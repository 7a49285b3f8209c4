import { ORDER_STATUSES, type OrderStatus } from "@handoff/contracts";
import {
  type HandoffDeps,
  livePayment,
  type OperatorAction,
  type Outbox,
  releaseReview,
  requestOperatorAction,
  type Webhooks,
} from "@handoff/server";
import express, { type Request, type Response, type Router } from "express";
import { esc } from "../html.js";
import { isOperator, LoginThrottle, OPS_COOKIE, requireOperator, sameOrigin, tokenMatches } from "./auth.js";
import { destinationsApi, destinationsPages } from "./destinations.js";
import {
  attemptRows,
  inboxRows,
  money,
  opsPage,
  orderRows,
  statusFilterForm,
  table,
  timelineTable,
} from "./views.js";

export interface OpsOptions {
  deps: HandoffDeps;
  webhooks: Webhooks;
  /** Destinations for order events, their delivery logs and dead letters. */
  outbox?: Outbox | undefined;
  token: string;
  /** Attempts pending longer than this are "stuck" and shown for reconciliation. */
  stuckAfterMs: number;
}

const ACTIONS: OperatorAction[] = ["capture", "void", "refund"];
const INBOX_STATUSES = [
  "received",
  "retrying",
  "parked",
  "processed",
  "ignored",
  "invalid",
  "failed",
] as const;

function statusFilter(value: unknown): OrderStatus | undefined {
  return ORDER_STATUSES.find((s) => s === value);
}

/** The ops dashboard (/ops pages) and its JSON API (/ops/api). Shows nothing that does not work. */
export function opsRouter(options: OpsOptions): Router {
  const { deps, webhooks, token } = options;
  const { store } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "4kb" });
  const json = express.json({ limit: "4kb" });
  const throttle = new LoginThrottle();
  // Operator pages and answers hold order and customer data: never kept by a browser or proxy cache.
  router.use((_req, res, next) => {
    res.set("cache-control", "no-store");
    next();
  });

  router.get("/login", (req, res) => {
    if (isOperator(req, token)) return res.redirect(303, "/ops");
    res.send(
      opsPage(
        "Sign in",
        `<form method="post" action="/ops/login"><label for="token">Ops token</label> <input id="token" name="token" type="password" autocomplete="current-password" required> <button type="submit">Sign in</button></form>
<p>The token is printed by <code>pnpm start</code> (HANDOFF_OPS_TOKEN).</p>`,
      ),
    );
  });
  router.post("/login", form, sameOrigin, (req, res) => {
    const client = req.ip ?? "unknown";
    if (throttle.blocked(client)) {
      res.status(429).send(
        opsPage("Sign in", `<p><a href="/ops/login">Back</a></p>`, {
          text: "Too many wrong tokens. Wait 15 minutes before trying again.",
          error: true,
        }),
      );
      return;
    }
    const given = String((req.body as { token?: string } | undefined)?.token ?? "");
    if (!tokenMatches(given, token)) {
      throttle.failed(client);
      res.status(401).send(
        opsPage("Sign in", `<p><a href="/ops/login">Try again</a></p>`, {
          text: "That token is not right.",
          error: true,
        }),
      );
      return;
    }
    res.cookie(OPS_COOKIE, given, { httpOnly: true, sameSite: "strict", path: "/ops" });
    res.redirect(303, "/ops");
  });

  // --- JSON API: bearer token ---
  const api = express.Router();
  api.use(requireOperator(token, "api"));
  api.get("/orders", async (req, res) => {
    const status = statusFilter(req.query.status);
    res.json({ orders: await store.listOrders({ ...(status ? { status } : {}), limit: 200 }) });
  });
  api.get("/orders/:id", async (req, res) => {
    const order = await store.getOrder(req.params.id);
    if (!order) return void res.status(404).json({ error: "ORDER_NOT_FOUND", message: "No such order." });
    res.json({
      order,
      attempts: (await store.attemptsOfOrder(order.id)).map(
        ({ processorToken: _t, idempotencyKey: _k, ...a }) => a,
      ),
      timeline: await store.timeline(order.id),
      webhooks: (await webhooks.inbox.list({ orderId: order.id, limit: 100 })).map(
        ({ rawBody: _b, headers: _h, ...e }) => e,
      ),
    });
  });
  api.get("/webhooks", async (req, res) => {
    const status = INBOX_STATUSES.find((s) => s === req.query.status);
    const events = await webhooks.inbox.list({ ...(status ? { status } : {}), limit: 200 });
    res.json({ events: events.map(({ rawBody: _b, headers: _h, ...e }) => e) });
  });
  api.get("/rejected", async (_req, res) => {
    res.json({ rejected: await webhooks.inbox.rejected(200) });
  });
  api.post("/webhooks/:id/replay", async (req, res) => {
    const found = await webhooks.replay(req.params.id);
    res
      .status(found ? 202 : 404)
      .json(found ? { replaying: true } : { error: "NOT_FOUND", message: "No such event." });
  });
  api.post("/orders/:id/release", async (req, res) => {
    const reply = await releaseReview(deps, req.params.id, "api");
    res.status(reply.status).json(reply.body);
  });
  api.post("/orders/:id/:action", json, async (req, res) => {
    const action = ACTIONS.find((a) => a === req.params.action);
    if (!action)
      return void res
        .status(404)
        .json({ error: "NOT_FOUND", message: "Actions are capture, void and refund." });
    const body = (req.body ?? {}) as { amount?: unknown; full?: unknown };
    const reply = await requestOperatorAction(deps, req.params.id, action, {
      amount: body.amount,
      full: body.full,
      operator: "api",
    });
    res.status(reply.status).json(reply.body);
  });
  api.post("/reconcile", async (_req, res) => {
    res.json(await webhooks.reconcile(options.stuckAfterMs));
  });
  if (options.outbox) api.use("/destinations", destinationsApi(options.outbox, deps.now));
  router.use("/api", api);

  // --- Pages: cookie from the login form ---
  router.use(requireOperator(token, "page"));
  if (options.outbox) router.use("/destinations", destinationsPages(options.outbox, deps.now));
  const notice = (req: Request) => {
    const done = typeof req.query.done === "string" ? req.query.done : undefined;
    const failed = typeof req.query.failed === "string" ? req.query.failed : undefined;
    return done ? { text: done } : failed ? { text: failed, error: true } : undefined;
  };

  router.get("/", async (req, res) => {
    const status = statusFilter(req.query.status);
    const orders = await store.listOrders({ ...(status ? { status } : {}), limit: 200 });
    res.send(
      opsPage(
        "Orders",
        `${statusFilterForm("/ops", ORDER_STATUSES, status)}
${table(["Order", "Updated", "Amount", "Status"], orderRows(orders), "No orders yet.")}`,
        notice(req),
      ),
    );
  });

  router.get("/orders/:id", async (req: Request<{ id: string }>, res: Response) => {
    const order = await store.getOrder(req.params.id);
    if (!order)
      return void res.status(404).send(opsPage("Order not found", '<p><a href="/ops">All orders</a></p>'));
    const attempts = await store.attemptsOfOrder(order.id);
    const live = attempts.some((a) => a.paymentId) ? await livePayment(deps, order.id) : undefined;
    let payment = "<p>No payment has been made for this order yet.</p>";
    if (live && "payment" in live) {
      const b = live.payment.balances;
      let forms = live.allowed
        .map(
          (action) => `<form class="inline" method="post" action="/ops/orders/${esc(order.id)}/${action}">
  ${action === "void" ? "" : `<label for="${action}-amount">Amount (minor units, empty = all)</label><input id="${action}-amount" name="amount" inputmode="numeric">`}
  <button type="submit">${action[0]?.toUpperCase()}${action.slice(1)}</button></form>`,
        )
        .join("");
      if (order.status === "needs_review") {
        forms = `<form class="inline" method="post" action="/ops/orders/${esc(order.id)}/release"><button type="submit">Release review</button></form>${forms}`;
      }
      payment = `<p>Checkout.com says <strong>${esc(live.payment.status)}</strong>${b ? ` · captured ${esc(b.total_captured)}, refunded ${esc(b.total_refunded)}, voided ${esc(b.total_voided)} (minor units)` : ""}</p>${forms || "<p>No action is possible on this payment now.</p>"}`;
    } else if (live) {
      payment = `<p class="notice error">Checkout.com could not be asked about this payment just now.</p>`;
    }
    res.send(
      opsPage(
        `Order ${order.id}`,
        `<p>${money(order)} · status <strong>${esc(order.status)}</strong>${order.riskFlagged ? " · flagged by risk" : ""} · cart <code>${esc(order.cartId)}</code></p>
<h2>Payment</h2>${payment}
<h2>Attempts</h2>${table(["Attempt", "Status", "Payment", "Response", "Started"], attemptRows(attempts), "No attempts.")}
<h2>Timeline</h2>${timelineTable(await store.timeline(order.id))}
<h2>Webhooks</h2>${table(["Event", "Type", "Status", "Outcome", "Order", "Received", ""], inboxRows(await webhooks.inbox.list({ orderId: order.id, limit: 100 })), "No webhooks for this order yet.")}`,
        notice(req),
      ),
    );
  });

  router.post("/orders/:id/release", sameOrigin, async (req: Request<{ id: string }>, res: Response) => {
    const reply = await releaseReview(deps, req.params.id, "dashboard");
    const back = `/ops/orders/${encodeURIComponent(req.params.id)}`;
    const text =
      reply.status === 200
        ? "Review released: the order goes to fulfilment."
        : String((reply.body as { message?: string }).message);
    res.redirect(303, `${back}?${reply.status === 200 ? "done" : "failed"}=${encodeURIComponent(text)}`);
  });

  router.post(
    "/orders/:id/:action",
    form,
    sameOrigin,
    async (req: Request<{ id: string; action: string }>, res: Response) => {
      const action = ACTIONS.find((a) => a === req.params.action);
      const back = `/ops/orders/${encodeURIComponent(req.params.id)}`;
      if (!action) return void res.redirect(303, `${back}?failed=${encodeURIComponent("Unknown action.")}`);
      // An empty field in the form means the whole balance; anything typed must be whole minor units.
      const typed = (req.body as { amount?: string }).amount;
      const reply = await requestOperatorAction(deps, req.params.id, action, {
        ...(typed === "" || typed === undefined ? { full: true } : { amount: typed }),
        operator: "dashboard",
      });
      const text =
        reply.status === 202
          ? `${action} requested; the status changes when Checkout.com confirms it.`
          : String((reply.body as { message?: string }).message);
      res.redirect(303, `${back}?${reply.status === 202 ? "done" : "failed"}=${encodeURIComponent(text)}`);
    },
  );

  router.get("/webhooks", async (req, res) => {
    const status = INBOX_STATUSES.find((s) => s === req.query.status);
    const events = await webhooks.inbox.list({ ...(status ? { status } : {}), limit: 200 });
    res.send(
      opsPage(
        "Webhook inbox",
        `${statusFilterForm("/ops/webhooks", INBOX_STATUSES, status)}
${table(["Event", "Type", "Status", "Outcome", "Order", "Received", ""], inboxRows(events), "No webhooks received yet.")}`,
        notice(req),
      ),
    );
  });

  router.post("/webhooks/:id/replay", sameOrigin, async (req: Request<{ id: string }>, res: Response) => {
    const found = await webhooks.replay(req.params.id);
    const text = found ? `Event ${req.params.id} will be processed again.` : "No such event.";
    res.redirect(303, `/ops/webhooks?${found ? "done" : "failed"}=${encodeURIComponent(text)}`);
  });

  router.get("/rejected", async (req, res) => {
    const rows = (await webhooks.inbox.rejected(200)).map((r) => [
      esc(r.at),
      esc(r.method),
      `<strong>${esc(r.reason)}</strong>`,
      esc(r.headerNames.join(", ")),
      `<code>${esc(r.bodySha256.slice(0, 16))}…</code>`,
      esc(r.bodySize),
    ]);
    res.send(
      opsPage(
        "Rejected requests",
        `<p>Requests to the webhook endpoint that were refused: header names only, never their values.</p>
${table(["Time", "Method", "Reason", "Headers", "Body SHA-256", "Bytes"], rows, "Nothing has been rejected.")}`,
        notice(req),
      ),
    );
  });

  router.get("/reconciliation", async (req, res) => {
    const cutoff = new Date(deps.now().getTime() - options.stuckAfterMs).toISOString();
    const stuck = await store.staleAttempts(["processing", "unknown", "requires_action"], cutoff);
    const rows = stuck.map((a) => [
      `<a href="/ops/orders/${esc(a.orderId)}">${esc(a.orderId)}</a>`,
      ...(attemptRows([a])[0] ?? []),
    ]);
    res.send(
      opsPage(
        "Reconciliation",
        `<p>Attempts waiting longer than ${Math.round(options.stuckAfterMs / 60_000)} minutes for Checkout.com's answer. The sweep asks Checkout.com about each and applies what it says.</p>
${table(["Order", "Attempt", "Status", "Payment", "Response", "Started"], rows, "Nothing is stuck.")}
<form method="post" action="/ops/reconciliation"><button type="submit">Run the sweep now</button></form>`,
        notice(req),
      ),
    );
  });

  router.post("/reconciliation", sameOrigin, async (_req, res) => {
    const result = await webhooks.reconcile(options.stuckAfterMs);
    const text = `Looked at ${result.looked}: ${result.changed} updated, ${result.notCharged} never charged, ${result.unreachable} unreachable.`;
    res.redirect(303, `/ops/reconciliation?done=${encodeURIComponent(text)}`);
  });

  return router;
}
