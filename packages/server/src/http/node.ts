import type { IncomingMessage, ServerResponse } from "node:http";
import type { TrustProxy } from "../config/trust-proxy.js";
import type { Handoff } from "../handoff.js";
import { answerCheckout, BodyTooLargeError, MAX_JSON_BYTES, replyHeaders } from "./checkout-routes.js";
import { clientAddress, compileTrust } from "./client-address.js";
import { closeIfUnread, readRawBody } from "./raw-body.js";

export interface HandoffHandlerOptions {
  /** Where the routes are mounted, e.g. "/api/checkout". */
  basePath?: string;
  /**
   * Which proxies' `X-Forwarded-For` to believe about the shopper's address (HANDOFF_TRUST_PROXY,
   * as Express's `trust proxy`): `"loopback"`, a hop count, or the proxies' addresses and CIDRs.
   * Default false: the socket's peer, the header ignored. Behind a load balancer without it, every
   * shopper is the load balancer and shares one card-testing budget.
   */
  trustProxy?: TrustProxy;
}

/** At most MAX_JSON_BYTES, chunked or not: past it reading stops and the answer is 413. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const { body } = await readRawBody(req, MAX_JSON_BYTES);
  if (!body) throw new BodyTooLargeError();
  const text = body.toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

/**
 * A node:http handler for the checkout routes under `basePath`. Returns false for any other path,
 * so it composes with the rest of a plain server.
 *
 * @example
 * const checkout = createHandoffHandler(handoff, { basePath: "/api/checkout", trustProxy: config.trustProxy });
 * http.createServer(async (req, res) => { if (!(await checkout(req, res))) res.writeHead(404).end(); });
 */
export function createHandoffHandler(handoff: Handoff, options: HandoffHandlerOptions = {}) {
  const base = (options.basePath ?? "").replace(/\/$/, "");
  const trust = compileTrust(options.trustProxy ?? handoff.deps.settings.trustProxy);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(`${base}/`)) return false;
    const reply = await answerCheckout(handoff, {
      method: req.method ?? "GET",
      route: url.pathname.slice(base.length),
      search: url.searchParams,
      acceptLanguage: req.headers["accept-language"],
      client: clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trust),
      json: () => readJson(req),
    });
    if (!reply) return false;
    const { body, headers } = replyHeaders(reply);
    res.writeHead(reply.status, { ...headers, ...closeIfUnread(req) }).end(body);
    return true;
  };
}
