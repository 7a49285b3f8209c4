import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Handoff, Outbox, SettlementService, SqlClient, TrustProxy, Webhooks } from "@handoff/server";
import express, { type Router } from "express";
import { opsApi } from "./api.js";
import { createGuard, returnPath } from "./auth/guard.js";
import type { Operator } from "./auth/operators.js";
import { SqlOpsSessions } from "./auth/sessions.js";
import { customerPages } from "./pages/customers.js";
import { destinationPages } from "./pages/destinations.js";
import { disputePages } from "./pages/disputes.js";
import { orderPages, pageContext } from "./pages/orders.js";
import { payoutPages } from "./pages/payouts.js";
import { webhookPages } from "./pages/webhooks.js";
import { html, layout } from "./views.js";

export interface OpsAuth {
  /** Who may sign in (pages) and call the API (bearer tokens); see `hashPassword`, `hashToken`. */
  operators: Operator[];
  /** Force `Secure` cookies (behind a proxy that terminates https). Default: when the request is https. */
  secureCookies?: boolean;
  sessionLifetimeMs?: number;
}

export interface OpsRouterOptions {
  auth: OpsAuth;
  /** The database the store uses: sessions live beside the orders, shared by every instance. */
  db: SqlClient;
  webhooks: Webhooks;
  /** Destinations and their deliveries, when the outbox is wired. */
  outbox?: Outbox | undefined;
  /** Attempts pending longer than this are looked up by "Run the sweep now". Default 2 min. */
  stuckAfterMs?: number;
  /**
   * A checkout with no payment tried and untouched this long is "abandoned": listed on its own
   * page, left out of the orders list and the API's `GET /orders`. Default 1 hour.
   */
  abandonedAfterMs?: number;
  /**
   * Which proxies' `X-Forwarded-For`/`-Proto` to believe (`config.trustProxy`, HANDOFF_TRUST_PROXY,
   * as Express's `trust proxy`): failed passwords and API tokens are throttled per client address, in `db`, so a
   * guesser locks out their own address, not every operator behind the proxy. Default: the app's
   * own `trust proxy` setting.
   */
  trustProxy?: TrustProxy;
  /** Settlement (`service.settlement`): payouts, each order's settlement, the exceptions queue. */
  settlement?: SettlementService | undefined;
}

const CSS = readFileSync(resolve(import.meta.dirname, "../src/ops.css"), "utf8");

/**
 * The operations console for a merchant's staff, mounted anywhere in an Express app:
 * `app.use("/ops", createOpsRouter(handoff, { auth, db, webhooks, outbox }))`. Pages sign in
 * named operators with a server-side session; the JSON API under `/api` takes each operator's
 * bearer token. Nothing is cached by a browser or a proxy.
 */
export function createOpsRouter(handoff: Handoff, options: OpsRouterOptions): Router {
  const { deps } = handoff;
  const router = express.Router();
  const sessions = new SqlOpsSessions(options.db, options.auth.sessionLifetimeMs);
  const guard = createGuard({
    operators: options.auth.operators,
    sessions,
    now: deps.now,
    db: options.db,
    trustProxy: options.trustProxy ?? deps.settings.trustProxy,
    ...(options.auth.secureCookies !== undefined ? { secureCookies: options.auth.secureCookies } : {}),
    ...(options.auth.sessionLifetimeMs ? { sessionLifetimeMs: options.auth.sessionLifetimeMs } : {}),
  });
  const stuckAfterMs = options.stuckAfterMs ?? 2 * 60_000;
  const form = express.urlencoded({ extended: false, limit: "4kb" });

  // The console's own headers, whatever the host app sets: no framing (clickjacking a refund
  // button), no script at all, forms only to itself.
  router.use((_req, res, next) => {
    res.set({
      "cache-control": "no-store",
      "content-security-policy":
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "same-origin",
    });
    next();
  });
  router.get("/assets/ops.css", (_req, res) => {
    res.type("text/css").set("cache-control", "public, max-age=3600").send(CSS);
  });

  router.use(
    "/api",
    guard.requireApi,
    opsApi({
      handoff,
      db: options.db,
      webhooks: options.webhooks,
      outbox: options.outbox,
      stuckAfterMs,
      abandonedAfterMs: options.abandonedAfterMs,
      settlement: options.settlement,
    }),
  );

  const loginPage = (base: string, notice?: { text: string; error?: boolean }, next?: string) =>
    layout(
      { base, notice },
      "Sign in",
      html`<form class="stacked" method="post" action="${base}/login">
${next ? html`<input type="hidden" name="next" value="${next}">` : html``}<label>Name <input name="name" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>`,
    );
  router.get(
    "/login",
    (req, res) => void res.send(loginPage(req.baseUrl, undefined, returnPath(req.query.next))),
  );
  router.post("/login", form, async (req, res) => {
    const body = (req.body ?? {}) as { name?: unknown; password?: unknown; next?: unknown };
    const next = returnPath(body.next);
    const signIn = await guard.signIn(req, res, String(body.name ?? ""), String(body.password ?? ""));
    if (signIn.outcome === "ok") return void res.redirect(303, `${req.baseUrl}${next ?? "/"}`);
    if (signIn.outcome === "throttled") {
      const minutes = Math.ceil(signIn.retryAfterSeconds / 60);
      return void res
        .status(429)
        .set("retry-after", String(signIn.retryAfterSeconds))
        .send(
          loginPage(
            req.baseUrl,
            {
              text: `Too many failed sign-ins. Wait ${minutes} minute${minutes === 1 ? "" : "s"} before trying again.`,
              error: true,
            },
            next,
          ),
        );
    }
    res
      .status(401)
      .send(loginPage(req.baseUrl, { text: "That name and password do not match.", error: true }, next));
  });

  router.use(guard.requirePage);
  router.post("/logout", form, guard.requireCsrf, async (req, res) => {
    await guard.signOut(req, res);
    res.redirect(303, `${req.baseUrl}/login`);
  });
  router.use(customerPages({ handoff, db: options.db, abandonedAfterMs: options.abandonedAfterMs }));
  router.use(
    orderPages(
      {
        handoff,
        db: options.db,
        webhooks: options.webhooks,
        outbox: options.outbox,
        abandonedAfterMs: options.abandonedAfterMs,
        settlement: options.settlement,
      },
      guard,
    ),
  );
  if (options.settlement) router.use(payoutPages(options.settlement, deps.store));
  router.use(webhookPages(options.webhooks, stuckAfterMs, guard));
  router.use(disputePages(handoff, guard));
  if (options.outbox) router.use(destinationPages(options.outbox, deps.now, guard));
  router.use(
    (req, res) =>
      void res
        .status(404)
        .send(
          layout(pageContext(req, res), "Not found", html`<p><a href="${req.baseUrl}/">All orders</a></p>`),
        ),
  );
  return router;
}
