import type { Health } from "../health.js";
import type { ApiReply } from "../reply.js";
import { replyHeaders } from "./checkout-routes.js";

/** `GET /healthz` and `GET /readyz` (HEAD too, for probes that send it); undefined for any other request. */
export async function answerHealth(
  health: Health,
  method: string,
  path: string,
): Promise<ApiReply | undefined> {
  if (method !== "GET" && method !== "HEAD") return undefined;
  if (path === "/healthz") return health.live();
  if (path === "/readyz") return health.ready();
  return undefined;
}

/**
 * `/healthz` and `/readyz` as `(Request) => Promise<Response>` (Next.js route handlers, Hono); 404 for
 * any other path.
 */
export function createFetchHealthHandler(health: Health): (request: Request) => Promise<Response> {
  return async (request) => {
    const reply = (await answerHealth(health, request.method, new URL(request.url).pathname)) ?? {
      status: 404,
      body: { error: "NOT_FOUND", message: "Only /healthz and /readyz are here." },
    };
    const { body, headers } = replyHeaders(reply);
    return new Response(request.method === "HEAD" ? null : body, { status: reply.status, headers });
  };
}
