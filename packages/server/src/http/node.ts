import type { IncomingMessage, ServerResponse } from "node:http";
import type { TrustProxy } from "../config/trust-proxy.js";
import type { Handoff } from "../handoff.js";
import { answerCheckout, BodyTooLargeError, MAX_JSON_BYTES, replyHeaders } from "./checkout-routes.js";
import { clientAddress, compileTrust } from "./client-address.js";

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

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BYTES) reject(new BodyTooLargeError());
      else chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve(text ? JSON.parse(text) : undefined);
      } catch (error) {
        reject(error);
      }
    });
    req.on("error", reject);
  });
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
    res.writeHead(reply.status, headers).end(body);
    return true;
  };
}
