import type { IncomingMessage, ServerResponse } from "node:http";

/** A reply a handler returns; the router writes it. JSON unless `text` is given. */
export interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RequestContext {
  req: IncomingMessage;
  url: URL;
  params: Record<string, string>;
  /** The raw body, read once, at most `MAX_BODY_BYTES`. */
  rawBody: () => Promise<string>;
  /** The same body as bytes (file uploads). */
  rawBytes: () => Promise<Buffer>;
}

/** `"drop"` hangs up without answering (fault injection). */
export type Handler = (ctx: RequestContext) => Reply | "drop" | Promise<Reply | "drop">;

export const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {}

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** Routes are `METHOD /path/:param`; params match one path segment. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, "(?<$1>[^/]+)")}$`);
    this.routes.push({ method, pattern, handler });
    return this;
  }

  match(
    method: string,
    pathname: string,
  ): { handler: Handler; params: Record<string, string> } | "method" | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params: { ...match.groups } };
    }
    return pathMatched ? "method" : undefined;
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function writeReply(res: ServerResponse, reply: Reply, common: Record<string, string>): void {
  const headers: Record<string, string> = { ...common, ...reply.headers };
  let payload: string | undefined;
  if (reply.text !== undefined) {
    payload = reply.text;
    headers["content-type"] = reply.contentType ?? "text/plain; charset=utf-8";
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  else headers["content-length"] = "0";
  res.writeHead(reply.status, headers);
  res.end(payload);
}
