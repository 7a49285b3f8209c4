import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** What it answered. */
  status: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides each answer (default 204); 0 leaves the request hanging; a throw drops the connection. */
  respond: (request: Received, index: number) => number;
  close(): Promise<void>;
}

/** A merchant's endpoint for destination tests: records every request and answers as told. */
export async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    received: [],
    respond: () => 204,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const request: Received = { headers: req.headers, body: Buffer.concat(chunks).toString(), status: 0 };
      let status: number;
      try {
        status = receiver.respond(request, receiver.received.length);
      } catch {
        req.socket.destroy();
        return;
      }
      if (status === 0) return; // hold it open: the sender is still waiting when it dies
      request.status = status;
      receiver.received.push(request);
      res
        .writeHead(status, { "content-type": "text/plain" })
        .end(status < 300 ? "" : `refused with ${status}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  };
  return receiver;
}
