import type { IncomingMessage, ServerResponse } from "node:http";
import type { Handoff } from "../handoff.js";
import { answerCheckout, BodyTooLargeError, MAX_JSON_BYTES, replyHeaders } from "./checkout-routes.js";

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
 * const checkout = createHandoffHandler(handoff, { basePath: "/api/checkout" });
 * http.createServer(async (req, res) => { if (!(await checkout(req, res))) res.writeHead(404).end(); });
 */
export function createHandoffHandler(handoff: Handoff, options: { basePath?: string } = {}) {
  const base = (options.basePath ?? "").replace(/\/$/, "");
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (!url.pathname.startsWith(`${base}/`)) return false;
    const reply = await answerCheckout(handoff, {
      method: req.method ?? "GET",
      route: url.pathname.slice(base.length),
      search: url.searchParams,
      acceptLanguage: req.headers["accept-language"],
      client: req.socket.remoteAddress,
      json: () => readJson(req),
    });
    if (!reply) return false;
    const { body, headers } = replyHeaders(reply);
    res.writeHead(reply.status, headers).end(body);
    return true;
  };
}
