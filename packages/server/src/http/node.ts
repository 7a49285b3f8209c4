import type { IncomingMessage, ServerResponse } from "node:http";
import { preferredLocale } from "@handoff/contracts";
import { StoreUnavailableError } from "../db/sql-client.js";
import type { Handoff } from "../handoff.js";
import { type ApiReply, errorReply } from "../reply.js";

const MAX_JSON_BYTES = 16 * 1024;

class TooLarge extends Error {}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JSON_BYTES) reject(new TooLarge());
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

function write(res: ServerResponse, reply: ApiReply): void {
  const body = reply.body === undefined ? "" : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(body ? { "content-type": "application/json; charset=utf-8" } : {}),
    ...reply.headers,
  });
  res.end(body);
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
    const route = `${req.method} ${url.pathname.slice(base.length)}`;
    try {
      if (route === "POST /session") {
        const locale = preferredLocale(req.headers["accept-language"]);
        write(res, await handoff.session(await readJson(req), { locale }));
      } else if (route === "POST /confirm") {
        const locale = preferredLocale(req.headers["accept-language"]);
        write(res, await handoff.confirm(await readJson(req), { locale, client: req.socket.remoteAddress }));
      } else if (route === "GET /3ds-return") write(res, await handoff.threeDsReturn(url.searchParams));
      else return false;
    } catch (error) {
      if (error instanceof TooLarge) write(res, errorReply("PAYLOAD_TOO_LARGE", "The body is too large."));
      else if (error instanceof SyntaxError)
        write(res, errorReply("INVALID_REQUEST", "The body is not valid JSON."));
      else if (error instanceof StoreUnavailableError) {
        write(res, errorReply("STORE_UNAVAILABLE", "Orders cannot be saved right now. Please try again."));
      } else {
        handoff.deps.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          "checkout route failed",
        );
        write(res, {
          status: 500,
          body: { error: "INTERNAL", message: "Something went wrong on our side." },
        });
      }
    }
    return true;
  };
}
