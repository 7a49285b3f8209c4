import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type { HandoffEnvironment } from "@handoff/contracts";
import { createOpsRouter, type Operator } from "@handoff/ops";
import { type HandoffService, handoffCsp, StoreUnavailableError } from "@handoff/server";
import { createHandoffRouter, createHealthRouter, createWebhookRouter } from "@handoff/server/express";
import express, { type ErrorRequestHandler, type Express, type Request } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import { esc, page } from "./html.js";
import { storefrontRouter } from "./storefront.js";

export interface ShopAppOptions {
  /** Handoff, wired once (`openHandoff`): checkout, webhooks, outbox, health, the catalogue. */
  service: HandoffService;
  logger: Logger;
  /** Who may use the ops console. */
  operators: Operator[];
  environment: HandoffEnvironment;
  /** Where Checkout.com's scripts and frames come from: the sandbox in local mode. */
  checkoutOrigin: string;
  /** Built React storefront, served at /react/. */
  reactDist?: string;
  stuckAfterMs?: number;
}

const require = createRequire(import.meta.url);
const publicDir = resolve(dirname(new URL(import.meta.url).pathname), "../public");

/**
 * The demo merchant: storefront, checkout routes, webhook endpoint and ops dashboard, under a
 * strict Content-Security-Policy (no inline script, no eval; scripts and frames only from here and
 * Checkout.com), one structured log line per request, no secrets logged.
 */
/**
 * The id a request is logged and answered under: the caller's `X-Request-Id` when it is a plain id
 * (a proxy's or a client's, to follow one request across systems), otherwise a fresh one, so nobody
 * writes markup, control characters or a kilobyte into every log line about their request.
 */
export function requestId(given: string | string[] | undefined): string {
  return typeof given === "string" && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : crypto.randomUUID();
}

export function createShopApp(options: ShopAppOptions): Express {
  const { service } = options;
  const app = express();
  app.disable("x-powered-by");
  // Probes first: a load balancer asks every few seconds, and its questions are not worth a log line.
  app.use(createHealthRouter(service.health));
  app.use(
    pinoHttp({
      logger: options.logger,
      genReqId: (req, res) => {
        const id = requestId(req.headers["x-request-id"]);
        res.setHeader("x-request-id", id);
        return id;
      },
      redact: [
        "req.headers.authorization",
        "req.headers.cookie",
        'req.headers["cko-signature"]',
        'res.headers["set-cookie"]',
      ],
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.split("?")[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: handoffCsp({ environment: options.environment, sandboxOrigin: options.checkoutOrigin }),
      },
      // Same-origin posts keep their Origin header (with no-referrer, Chrome sends "null"), so the ops
      // dashboard can refuse cross-site form posts.
      referrerPolicy: { policy: "same-origin" },
    }),
  );

  // Raw bytes for signatures: the webhook router reads its own body, before any JSON parser.
  app.use("/webhooks/checkoutdotcom", createWebhookRouter(service.webhooks.receiver, options.logger));
  app.use("/api/checkout", createHandoffRouter(service.handoff));
  // handoff.js loads handoff.errors.js from beside itself, the first time it shows an error screen.
  for (const file of ["handoff.js", "handoff.errors.js"])
    app.get(`/${file}`, (_req, res) => res.sendFile(require.resolve(`@handoff/elements/${file}`)));
  app.use("/assets", express.static(publicDir, { fallthrough: false }));
  if (options.reactDist && existsSync(resolve(options.reactDist, "index.html"))) {
    app.use("/react", express.static(options.reactDist));
    app.get(/^\/react(\/.*)?$/, (_req, res) =>
      res.sendFile(resolve(options.reactDist as string, "index.html")),
    );
  } else {
    app.get(/^\/react(\/.*)?$/, (_req, res) => {
      res
        .status(503)
        .send(
          page(
            "React shop",
            "<main><h1>React shop not built</h1><p>Run <code>pnpm build</code>, then reload.</p></main>",
          ),
        );
    });
  }
  app.use(
    "/ops",
    createOpsRouter(service.handoff, {
      auth: { operators: options.operators },
      db: service.db,
      webhooks: service.webhooks,
      outbox: service.outbox,
      stuckAfterMs: options.stuckAfterMs ?? 2 * 60_000,
      settlement: service.settlement,
    }),
  );
  app.use(storefrontRouter({ inventory: service.catalog, store: service.deps.store }));
  app.get("/favicon.ico", (_req, res) => res.status(204).end());
  app.use((req, res) => {
    if (wantsJson(req)) {
      res.status(404).json({ error: "NOT_FOUND", message: `No route ${req.method} ${req.path}.` });
      return;
    }
    res
      .status(404)
      .send(page("Not found", '<main><h1>Not found</h1><p><a href="/">Back to the shop</a></p></main>'));
  });
  app.use(shopErrorHandler(options.logger));
  return app;
}

/** API paths answer JSON, whatever happened; pages answer a page. */
function wantsJson(req: Request): boolean {
  return /^\/(api|ops\/api|webhooks)\//.test(req.path) || req.path === "/api";
}

/**
 * The one error handler behind every router: a stable code, JSON for APIs and a page for people,
 * never a stack trace or a dependency's name. A store that cannot write is a quick 503.
 */
function shopErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const err = error as { type?: string; status?: number; statusCode?: number };
    const status = err.status ?? err.statusCode ?? 500;
    const [code, httpStatus, message] =
      error instanceof StoreUnavailableError
        ? (["STORE_UNAVAILABLE", 503, "Orders cannot be saved right now. Please try again shortly."] as const)
        : err.type === "entity.too.large"
          ? (["PAYLOAD_TOO_LARGE", 413, "The request body is too large."] as const)
          : status >= 400 && status < 500
            ? (["INVALID_REQUEST", status, "The request could not be read."] as const)
            : (["INTERNAL", 500, "Something went wrong on our side."] as const);
    if (httpStatus >= 500)
      logger.error({ err: error instanceof Error ? error.message : String(error), code }, "request failed");
    if (res.headersSent) return;
    res.status(httpStatus);
    if (wantsJson(req)) res.json({ error: code, message });
    else
      res.send(
        page(
          "Something went wrong",
          `<main><h1>Sorry</h1><p>${esc(message)}</p><p><a href="/">Back to the shop</a></p></main>`,
        ),
      );
  };
}
