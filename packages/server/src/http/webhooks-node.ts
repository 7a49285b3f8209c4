import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebhookReceiver } from "../webhooks/receive.js";
import { CLIENT_CLOSED_REQUEST, unlessAborted } from "./client-aborted.js";
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
    const read = await unlessAborted(readRawBody(req, receiver.maxBodyBytes));
    // Gone before its body arrived: nothing stored, nothing to answer.
    if (!read) {
      res.writeHead(CLIENT_CLOSED_REQUEST).end();
      return true;
    }
    const { body, size } = read;
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
