import type { TrustProxy } from "../config/trust-proxy.js";
import type { Handoff } from "../handoff.js";
import { errorReply } from "../reply.js";
import { answerCheckout, BodyTooLargeError, MAX_JSON_BYTES, replyHeaders } from "./checkout-routes.js";
import { clientAddress, compileTrust } from "./client-address.js";
import { readWebBody } from "./web-body.js";

export interface FetchHandoffOptions {
  /** Where the routes are mounted, e.g. "/api/checkout". */
  basePath?: string;
  /**
   * Which proxies' `X-Forwarded-For` to believe about the shopper's address (HANDOFF_TRUST_PROXY,
   * as Express's `trust proxy`): `"loopback"`, a hop count, or the proxies' addresses and CIDRs.
   * Default false: the header is ignored. The address keys the per-client card-testing limit and
   * is Checkout.com's `payment_ip`. Where the runtime does not give `remoteAddress` (Next.js route
   * handlers), only a hop count can believe the header: the number of proxies in front (1 behind
   * one load balancer or Vercel's edge).
   */
  trustProxy?: TrustProxy;
  /**
   * The peer of the connection, where the runtime tells it (Bun's `server.requestIP(request)`,
   * Deno's `info.remoteAddr`, a node:http bridge's `req.socket.remoteAddress`). `trustProxy`
   * starts from it.
   */
  remoteAddress?: (request: Request) => string | undefined;
  /**
   * The shopper's address, decided by you: when given, `trustProxy` and `remoteAddress` are not
   * used. Never the first `X-Forwarded-For` entry: the client writes that one.
   */
  clientAddress?: (request: Request) => string | undefined;
}

/** Streamed with a cap: past MAX_JSON_BYTES reading stops (413), whatever Content-Length says. */
async function readJson(request: Request): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_JSON_BYTES) throw new BodyTooLargeError();
  const { body } = await readWebBody(request.body, MAX_JSON_BYTES);
  if (!body) throw new BodyTooLargeError();
  const text = new TextDecoder().decode(body);
  return text ? JSON.parse(text) : undefined;
}

/**
 * The checkout routes as `(Request) => Promise<Response>`: POST `${basePath}/session`, POST
 * `${basePath}/confirm`, GET `${basePath}/3ds-return`; one of them with another method answers 405
 * `METHOD_NOT_ALLOWED` (with `Allow`), any other path 404 `NOT_FOUND`. For
 * Next.js route handlers, Hono, Bun and other fetch runtimes; imports nothing from Node (the
 * `handoff` it is given is made where the processor and store run).
 *
 * @example
 * // app/api/checkout/[route]/route.ts
 * const checkout = createFetchHandoffHandler(handoff, { basePath: "/api/checkout", trustProxy: config.trustProxy });
 * export const GET = checkout;
 * export const POST = checkout;
 */
export function createFetchHandoffHandler(
  handoff: Handoff,
  options: FetchHandoffOptions = {},
): (request: Request) => Promise<Response> {
  const base = (options.basePath ?? "").replace(/\/$/, "");
  const trust = compileTrust(options.trustProxy ?? handoff.deps.settings.trustProxy);
  const clientOf = (request: Request): string | undefined =>
    options.clientAddress
      ? options.clientAddress(request)
      : clientAddress(options.remoteAddress?.(request), request.headers.get("x-forwarded-for"), trust);
  return async (request) => {
    const url = new URL(request.url);
    const reply = url.pathname.startsWith(`${base}/`)
      ? await answerCheckout(handoff, {
          method: request.method,
          route: url.pathname.slice(base.length),
          search: url.searchParams,
          acceptLanguage: request.headers.get("accept-language"),
          client: clientOf(request),
          json: () => readJson(request),
        })
      : undefined;
    const answer =
      reply ?? errorReply("NOT_FOUND", `No checkout route at ${request.method} ${url.pathname}.`);
    const { body, headers } = replyHeaders(answer);
    // HEAD is answered as GET is, without the body.
    const sent = request.method === "HEAD" ? null : body || null;
    return new Response(sent, { status: answer.status, headers });
  };
}
