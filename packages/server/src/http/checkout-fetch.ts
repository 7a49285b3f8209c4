import type { Handoff } from "../handoff.js";
import { errorReply } from "../reply.js";
import { answerCheckout, BodyTooLargeError, MAX_JSON_BYTES, replyHeaders } from "./checkout-routes.js";

export interface FetchHandoffOptions {
  /** Where the routes are mounted, e.g. "/api/checkout". */
  basePath?: string;
  /**
   * The shopper's address for the per-client card-testing limit. Fetch requests do not carry it:
   * read it from your platform (`x-forwarded-for` behind your own proxy, `request.ip`…).
   */
  clientAddress?: (request: Request) => string | undefined;
}

async function readJson(request: Request): Promise<unknown> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_JSON_BYTES) throw new BodyTooLargeError();
  const text = await request.text();
  if (new TextEncoder().encode(text).byteLength > MAX_JSON_BYTES) throw new BodyTooLargeError();
  return text ? JSON.parse(text) : undefined;
}

/**
 * The checkout routes as `(Request) => Promise<Response>`: POST `${basePath}/session`, POST
 * `${basePath}/confirm`, GET `${basePath}/3ds-return`; anything else answers 404 `NOT_FOUND`. For
 * Next.js route handlers, Hono, Bun and other fetch runtimes; imports nothing from Node (the
 * `handoff` it is given is made where the processor and store run).
 *
 * @example
 * // app/api/checkout/[route]/route.ts
 * const checkout = createFetchHandoffHandler(handoff, { basePath: "/api/checkout" });
 * export const GET = checkout;
 * export const POST = checkout;
 */
export function createFetchHandoffHandler(
  handoff: Handoff,
  options: FetchHandoffOptions = {},
): (request: Request) => Promise<Response> {
  const base = (options.basePath ?? "").replace(/\/$/, "");
  return async (request) => {
    const url = new URL(request.url);
    const reply = url.pathname.startsWith(`${base}/`)
      ? await answerCheckout(handoff, {
          method: request.method,
          route: url.pathname.slice(base.length),
          search: url.searchParams,
          acceptLanguage: request.headers.get("accept-language"),
          client: options.clientAddress?.(request),
          json: () => readJson(request),
        })
      : undefined;
    const answer =
      reply ?? errorReply("NOT_FOUND", `No checkout route at ${request.method} ${url.pathname}.`);
    const { body, headers } = replyHeaders(answer);
    return new Response(body || null, { status: answer.status, headers });
  };
}
