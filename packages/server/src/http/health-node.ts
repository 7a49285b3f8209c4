import type { IncomingMessage, ServerResponse } from "node:http";
import type { Health } from "../health.js";
import { replyHeaders } from "./checkout-routes.js";
import { answerHealth } from "./health-routes.js";

/**
 * node:http handler for `/healthz` and `/readyz`; false for any other path.
 *
 * @example
 * const probes = createHealthHandler(service.health);
 * http.createServer(async (req, res) => { if (!(await probes(req, res))) … });
 */
export function createHealthHandler(health: Health) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const reply = await answerHealth(health, req.method ?? "GET", path);
    if (!reply) return false;
    const { body, headers } = replyHeaders(reply);
    res.writeHead(reply.status, headers).end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
