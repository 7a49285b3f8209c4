import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookReceiver } from "../webhooks/receive.js";
import { closeIfUnread, headerOf, readRawBody } from "./raw-body.js";

/**
 * node:http adapter for `POST /webhooks/checkoutdotcom` (the fast path). Returns false for other
 * paths so it composes with the rest of a plain server.
 *
 * @example
 * const webhooks = createWebhookHandler(receiver, { path: "/webhooks/checkoutdotcom" });
 * http.createServer(async (req, res) => { if (!(await webhooks(req, res))) res.writeHead(404).end(); });
 */
export function createWebhookHandler(receiver: WebhookReceiver, options: { path?: string } = {}) {
  const path = options.path ?? "/webhooks/checkoutdotcom";
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    if ((query === -1 ? url : url.slice(0, query)) !== path) return false;
    const { body, size } = await readRawBody(req, receiver.maxBodyBytes);
    const reply = await receiver({
      method: req.method ?? "GET",
      header: headerOf(req),
      headerNames: Object.keys(req.headers),
      body,
      bodySize: size,
    });
    const payload = JSON.stringify(reply.body ?? {});
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(payload),
      ...reply.headers,
      ...closeIfUnread(req),
    });
    res.end(payload);
    return true;
  };
}
