import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (
  req: IncomingMessage,
  url: URL,
) => { status?: number; type?: string; body: string; headers?: Record<string, string> } | undefined;

/** A tiny merchant-side web server for browser tests: routes return a body or undefined for 404. */
export async function startStaticServer(route: Route) {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    const reply = route(req, url);
    if (!reply) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(reply.status ?? 200, {
      "content-type": reply.type ?? "text/html; charset=utf-8",
      ...reply.headers,
    });
    res.end(reply.body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}
