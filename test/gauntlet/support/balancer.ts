import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the balancer did with one webhook delivery. */
export interface Routed {
  upstream: number;
  eventId: string | undefined;
  status: number;
}

export interface Balancer {
  url: string;
  /** Webhook deliveries, in order, with the instance each went to and what it answered. */
  webhooks: Routed[];
  close(): Promise<void>;
}

/**
 * A round-robin load balancer in front of several shop instances, as a merchant runs them: each
 * request goes to the next instance, and a redelivered event to another instance than before. An
 * instance that refuses the connection (it died) is skipped; a request cut off mid-way is answered
 * 502, as a real balancer would, and Checkout.com delivers it again later.
 */
export async function startBalancer(upstreams: string[]): Promise<Balancer> {
  let next = 0;
  const webhooks: Routed[] = [];
  const lastFor = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const isWebhook = req.url?.startsWith("/webhooks/") ?? false;
      let eventId: string | undefined;
      if (isWebhook) {
        try {
          eventId = (JSON.parse(body.toString()) as { id?: string }).id;
        } catch {}
      }
      // A redelivery goes to another instance than the last delivery of the same event did, even
      // while that one is still in flight (the sandbox's duplicate follows its original by 5 ms).
      const before = eventId ? lastFor.get(eventId) : undefined;
      const first = before === undefined ? next++ : before + 1;
      const tryUpstream = (tries: number) => {
        const index = (first + tries) % upstreams.length;
        const target = new URL(req.url ?? "/", upstreams[index]);
        if (eventId) lastFor.set(eventId, index);
        const forward = request(
          target,
          {
            method: req.method,
            // As a real balancer does: the address it was reached from goes on the end of X-Forwarded-For.
            headers: {
              ...req.headers,
              host: target.host,
              "x-forwarded-for": [
                req.headers["x-forwarded-for"],
                req.socket.remoteAddress?.replace(/^::ffff:/, ""),
              ]
                .filter(Boolean)
                .join(", "),
            },
          },
          (answer) => {
            const parts: Buffer[] = [];
            answer.on("data", (c: Buffer) => parts.push(c));
            answer.on("end", () => {
              const status = answer.statusCode ?? 502;
              if (isWebhook) webhooks.push({ upstream: index, eventId, status });
              res.writeHead(status, answer.headers).end(Buffer.concat(parts));
            });
            answer.on("error", () => res.writeHead(502).end());
          },
        );
        forward.on("error", (error: NodeJS.ErrnoException) => {
          if (process.env.GAUNTLET_DEBUG)
            console.error("balancer", req.method, req.url, error.code, error.message);
          // Refused: the instance is gone, nothing was sent; another takes the request.
          if (error.code === "ECONNREFUSED" && tries + 1 < upstreams.length) return tryUpstream(tries + 1);
          if (isWebhook) webhooks.push({ upstream: index, eventId, status: 502 });
          if (!res.headersSent) res.writeHead(502).end();
        });
        forward.end(body);
      };
      tryUpstream(0);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    webhooks,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
