import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../db/sqlite.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { SqlWebhookInbox } from "../webhooks/inbox.js";
import { createWebhookReceiver, DEFAULT_MAX_BODY_BYTES } from "../webhooks/receive.js";
import { checkAuthorization, checkSignature, explainSignatureProblem } from "../webhooks/verify.js";
import { createFetchHandoffHandler } from "./checkout-fetch.js";
import { MAX_JSON_BYTES } from "./checkout-routes.js";
import { createHandoffRouter } from "./express.js";
import { createHandoffHandler } from "./node.js";
import { createWebhookRouter } from "./webhooks-express.js";
import { createFetchWebhookHandler } from "./webhooks-fetch.js";
import { createWebhookHandler } from "./webhooks-node.js";

/**
 * A body with no Content-Length (chunked) that never ends: every adapter stops reading past its
 * limit and answers 413 with a stable code, having taken in little more than the limit.
 */
const logger = pino({ level: "silent" });
const CHUNK = 64 * 1024;
let h: Harness;
let inbox: SqlWebhookInbox;
const servers: Server[] = [];
const urls: Record<string, string> = {};

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  h = await startHarness();
  inbox = new SqlWebhookInbox(await openSqlite("file::memory:"));
  const receiver = createWebhookReceiver({
    inbox,
    signatureKeys: ["whsec_x"],
    logger,
    signatureCheck: checkSignature,
    authorizationCheck: checkAuthorization,
    explain: explainSignatureProblem,
  });
  const nodeWebhooks = createWebhookHandler(receiver);
  urls.nodeWebhooks = `${await listen(async (req, res) => {
    if (!(await nodeWebhooks(req, res))) res.writeHead(404).end();
  })}/webhooks/checkoutdotcom`;
  const app = express();
  app.use("/webhooks/checkoutdotcom", createWebhookRouter(receiver, logger));
  app.use("/api/checkout", createHandoffRouter(h.handoff));
  const base = await listen(app);
  urls.expressWebhooks = `${base}/webhooks/checkoutdotcom`;
  urls.expressCheckout = `${base}/api/checkout/session`;
  const nodeCheckout = createHandoffHandler(h.handoff, { basePath: "/api/checkout" });
  urls.nodeCheckout = `${await listen(async (req, res) => {
    if (!(await nodeCheckout(req, res))) res.writeHead(404).end();
  })}/api/checkout/session`;
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
  await h.close();
});

/** A request body that yields 64 KB chunks for ever, counting what was pulled from it. */
function endlessBody() {
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled.bytes += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
  });
  return { stream, pulled };
}

/** Posts chunked 64 KB pieces over node:http until the server answers; what it answered and how much was sent. */
function postEndless(url: string): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, sent }));
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(CHUNK, 0x20);
    const write = () => {
      // 64 MB at most: an adapter that read it all would answer only after.
      while (!answered && sent < 64 * 1024 * 1024) {
        sent += CHUNK;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

describe("bodies are read with a limit, streaming, whatever Content-Length says", () => {
  it("the fetch checkout handler stops reading an endless chunked body and answers 413 PAYLOAD_TOO_LARGE", async () => {
    const handler = createFetchHandoffHandler(h.handoff, { basePath: "/api/checkout" });
    const { stream, pulled } = endlessBody();
    const response = await handler(
      new Request("http://shop/api/checkout/session", {
        method: "POST",
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "PAYLOAD_TOO_LARGE" });
    expect(pulled.bytes).toBeLessThanOrEqual(MAX_JSON_BYTES + 4 * CHUNK);
  });

  it("the fetch webhook handler does the same, and a Content-Length that lies changes nothing", async () => {
    const handler = createFetchWebhookHandler({ inbox, signatureKeys: ["whsec_x"], logger });
    const { stream, pulled } = endlessBody();
    const response = await handler(
      new Request("http://shop/webhooks/checkoutdotcom", {
        method: "POST",
        headers: { "content-length": "10" },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "PAYLOAD_TOO_LARGE" });
    expect(pulled.bytes).toBeLessThanOrEqual(DEFAULT_MAX_BODY_BYTES + 4 * CHUNK);
  });

  for (const name of ["nodeWebhooks", "expressWebhooks"] as const) {
    it(`${name}: a refused method with a body past the limit closes the connection, so the client's next request is answered`, async () => {
      // One kept-alive connection, as a client's pool reuses it: the PUT's body is read only up to the
      // limit and refused 405 (the method is checked first); the rest must not stall the next request.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (method: string, body: Buffer) =>
        new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
          const req = httpRequest(
            urls[name] ?? "",
            { method, agent, headers: { "content-type": "application/json", "content-length": body.length } },
            (res) => {
              res.resume();
              res.on("end", () =>
                resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
              );
            },
          );
          req.on("error", reject);
          req.setTimeout(3_000, () => req.destroy(new Error(`${method} got no answer in 3 s`)));
          req.end(body);
        });
      try {
        const refused = await send("PUT", Buffer.alloc(DEFAULT_MAX_BODY_BYTES + 256 * 1024, 0x20));
        expect(refused).toEqual({ status: 405, connection: "close" });
        const next = await send("POST", Buffer.from('{"id":"evt_x"}'));
        expect(next.status).toBe(401);
      } finally {
        agent.destroy();
      }
    });
  }

  for (const [name, limit] of [
    ["nodeWebhooks", DEFAULT_MAX_BODY_BYTES],
    ["expressWebhooks", DEFAULT_MAX_BODY_BYTES],
    ["nodeCheckout", MAX_JSON_BYTES],
    ["expressCheckout", MAX_JSON_BYTES],
  ] as const) {
    it(`${name}: a chunked body with no Content-Length is answered 413 while it is still being sent`, async () => {
      const answer = await postEndless(urls[name] ?? "");
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: "PAYLOAD_TOO_LARGE" });
      // Answered long before the 64 MB were sent: the server stopped at its limit (plus socket buffers).
      expect(answer.sent).toBeLessThan(limit + 16 * 1024 * 1024);
    });
  }
});
