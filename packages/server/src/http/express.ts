import { preferredLocale } from "@handoff/contracts";
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from "express";
import type { TrustProxy } from "../config/trust-proxy.js";
import { StoreUnavailableError } from "../db/sql-client.js";
import type { Handoff } from "../handoff.js";
import { type ApiReply, errorReply } from "../reply.js";
import { clientAddress, compileTrust } from "./client-address.js";

export interface HandoffRouterOptions {
  /** Largest JSON body accepted on session and confirm. Default 16 KB. */
  jsonLimit?: string;
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
  res.status(reply.status).json(reply.body);
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
  const json = express.json({ limit: options.jsonLimit ?? "16kb", type: () => true });
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
    run((req) => handoff.session(req.body, { locale: preferredLocale(req.get("accept-language")) })),
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
