import { preferredLocale } from "@handoff/contracts";
import express, {
  type ErrorRequestHandler,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from "express";
import type { TrustProxy } from "../config/trust-proxy.js";
import { StoreUnavailableError } from "../db/sql-client.js";
import type { Handoff } from "../handoff.js";
import type { Logger } from "../logger.js";
import { type ApiReply, errorReply } from "../reply.js";
import { CHECKOUT_ROUTE_METHODS, MAX_JSON_BYTES, methodNotAllowed } from "./checkout-routes.js";
import { CLIENT_CLOSED_REQUEST, logClientAborted, unlessAborted } from "./client-aborted.js";
import { clientAddress, compileTrust } from "./client-address.js";
import { closeIfUnread, readRawBody } from "./raw-body.js";

export interface HandoffRouterOptions {
  /** Largest JSON body accepted on session and confirm: bytes, or `"16kb"`, `"1mb"`. Default 16 KB. */
  jsonLimit?: string | number;
  /**
   * Which proxies' `X-Forwarded-For` to believe about the shopper's address (HANDOFF_TRUST_PROXY,
   * with the meaning of Express's `trust proxy`): `false`, `"loopback"`, a hop count, or the
   * proxies' addresses and CIDRs. Given, it decides, whatever the app's own `trust proxy`; not
   * given, the router takes `req.ip`, so the app's `trust proxy` setting (default: none) decides.
   */
  trustProxy?: TrustProxy;
}

function send(res: Response, reply: ApiReply): void {
  if (reply.headers) res.set(reply.headers);
  if (reply.status === 303 && reply.headers?.location) {
    res.redirect(303, reply.headers.location);
    return;
  }
  res.set(closeIfUnread(res.req)).status(reply.status).json(reply.body);
}

function limitBytes(limit: string | number | undefined): number {
  if (limit === undefined) return MAX_JSON_BYTES;
  if (typeof limit === "number") return limit;
  const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(limit.trim());
  if (!m) throw new Error(`jsonLimit: bytes or "16kb"/"1mb", got "${limit}"`);
  return Number(m[1]) * ({ b: 1, kb: 1024, mb: 1024 * 1024 }[(m[2] ?? "b").toLowerCase()] ?? 1);
}

/**
 * JSON whatever the Content-Type says (or without one), read by us as it streams: past the limit
 * reading stops at once and the answer is 413, where express.json() would read off the whole
 * chunked upload first. A merchant's own parser in front has already set `req.body`: that is kept.
 */
function jsonBody(limit: number, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (req.body !== undefined || req.readableEnded) return next();
    const read = await unlessAborted(readRawBody(req, limit));
    if (!read) {
      // Not passed on as an error: the merchant's error handler would log a 500 for the client's doing.
      logClientAborted(logger, `${req.method} ${req.originalUrl.split("?")[0]}`);
      res.status(CLIENT_CLOSED_REQUEST).end();
      return;
    }
    const { body } = read;
    if (!body) return next(Object.assign(new Error("body too large"), { type: "entity.too.large" }));
    const text = body.toString("utf8");
    try {
      req.body = text ? JSON.parse(text) : undefined;
    } catch {
      return next(Object.assign(new Error("bad JSON"), { type: "entity.parse.failed" }));
    }
    next();
  };
}

/**
 * Express 5 router for the checkout routes. Mount it where the widget's `sessionUrl` and
 * `confirmUrl` point:
 *
 * @example
 * app.use("/api/checkout", createHandoffRouter(handoff, { trustProxy: config.trustProxy }));
 * // POST /api/checkout/session, POST /api/checkout/confirm, GET /api/checkout/3ds-return
 */
export function createHandoffRouter(handoff: Handoff, options: HandoffRouterOptions = {}): Router {
  const router = express.Router();
  // JSON whatever the Content-Type says (or without one): Accelerate's example page posts
  // {processorToken, cartId} with none, and a text/plain post never needs a CORS preflight.
  const json = jsonBody(limitBytes(options.jsonLimit), handoff.deps.logger);
  const trustProxy = options.trustProxy ?? handoff.deps.settings.trustProxy;
  const trust = trustProxy === undefined ? undefined : compileTrust(trustProxy);
  const clientOf = (req: Request) =>
    trust
      ? clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trust)
      : clientAddress(req.ip, undefined, false);
  const run = (work: (req: Request) => Promise<ApiReply>) => async (req: Request, res: Response) => {
    send(res, await work(req));
  };
  router.post(
    "/session",
    json,
    // The shopper's address: sessions are limited per address too.
    run((req) =>
      handoff.session(req.body, {
        locale: preferredLocale(req.get("accept-language")),
        client: clientOf(req),
      }),
    ),
  );
  router.post(
    "/confirm",
    json,
    // The shopper's address: the card-testing limit counts per address, and Checkout.com sees it as payment_ip.
    run((req) =>
      handoff.confirm(req.body, {
        locale: preferredLocale(req.get("accept-language")),
        client: clientOf(req),
      }),
    ),
  );
  router.get(
    "/3ds-return",
    run((req) => handoff.threeDsReturn(new URL(req.originalUrl, "http://x").searchParams)),
  );
  // Reached only by a method the routes above do not take (Express answers HEAD with the GET route).
  for (const [path, allowed] of Object.entries(CHECKOUT_ROUTE_METHODS))
    router.all(path, (req, res) => send(res, methodNotAllowed(req.method, allowed)));

  // Bad JSON and oversized bodies are the client's mistakes (4xx); a store that cannot write is a 503.
  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const err = error as { type?: string; status?: number };
    if (err.type === "entity.parse.failed")
      return send(res, errorReply("INVALID_REQUEST", "The body is not valid JSON."));
    if (err.type === "entity.too.large")
      return send(res, errorReply("PAYLOAD_TOO_LARGE", "The body is too large."));
    if (err.status && err.status >= 400 && err.status < 500) {
      return send(res, errorReply("INVALID_REQUEST", "The request could not be read."));
    }
    if (error instanceof StoreUnavailableError) {
      return send(
        res,
        errorReply("STORE_UNAVAILABLE", "Orders cannot be saved right now. Please try again."),
      );
    }
    handoff.deps.logger.error(
      { err: error instanceof Error ? error.message : String(error) },
      "checkout route failed",
    );
    res.status(500).json({ error: "INTERNAL", message: "Something went wrong on our side." });
  };
  router.use(onError);
  return router;
}
