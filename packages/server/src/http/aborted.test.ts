import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { Readable } from "node:stream";
import express, { type ErrorRequestHandler } from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../db/sqlite.js";
import { createHandoff } from "../handoff.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { SqlWebhookInbox } from "../webhooks/inbox.js";
import { createWebhookReceiver } from "../webhooks/receive.js";
import { checkAuthorization, checkSignature, explainSignatureProblem } from "../webhooks/verify.js";
import { createFetchHandoffHandler } from "./checkout-fetch.js";
import { createHandoffRouter } from "./express.js";
import { createHandoffHandler } from "./node.js";
import { createWebhookRouter } from "./webhooks-express.js";
import { createFetchWebhookHandler } from "./webhooks-fetch.js";
import { createWebhookHandler } from "./webhooks-node.js";

/**
 * A client that sends headers and the first byte of a body, then hangs up: the request is the
 * client's undoing, not ours. Every adapter lets it go without an error line, a 5xx or an error
 * passed on to the app's error handler, and processes nothing.
 */
type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Every line the (real, pino) logger wrote, parsed. */
const lines: Array<{ level: number; msg?: string; err?: unknown }> = [];
const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });

let h: Harness;
let inbox: SqlWebhookInbox;
const urls: Record<string, string> = {};
/** What each request came to on the server: its response, and whether the handler threw. */
const handled: Array<{ res: ServerResponse; settled: boolean; threw?: unknown }> = [];
/** Errors the Express app's own error handler was given (as the demo shop logs them at level 50). */
const passedOn: unknown[] = [];
const servers: ReturnType<typeof createServer>[] = [];

async function listen(listener: Listener): Promise<string> {
  const server = createServer((req, res) => {
    const entry: (typeof handled)[number] = { res, settled: false };
    handled.push(entry);
    Promise.resolve()
      .then(() => listener(req, res))
      .catch((error: unknown) => {
        entry.threw = error;
      })
      .finally(() => {
        entry.settled = true;
      });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The plainest streaming bridge a fetch runtime has: the body is read as it arrives, so a hang-up errors it. */
function bridge(handler: (request: Request) => Promise<Response>): Listener {
  return async (req, res) => {
    const response = await handler(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method ?? "GET",
        headers: req.headers as Record<string, string>,
        body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
        duplex: "half",
      } as RequestInit),
    ).catch((error: unknown) => {
      // What a runtime does with a handler that threw: logs it and answers 500.
      logger.error({ err: String(error) }, "handler threw");
      return new Response(null, { status: 500 });
    });
    res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
  };
}

beforeAll(async () => {
  h = await startHarness();
  const handoff = createHandoff({ ...h.deps, logger });
  inbox = new SqlWebhookInbox(await openSqlite("file::memory:"));
  const receiver = createWebhookReceiver({
    inbox,
    signatureKeys: ["whsec_x"],
    logger,
    signatureCheck: checkSignature,
    authorizationCheck: checkAuthorization,
    explain: explainSignatureProblem,
  });
  const app = express();
  app.use("/webhooks/checkoutdotcom", createWebhookRouter(receiver, logger));
  app.use("/api/checkout", createHandoffRouter(handoff));
  const merchantErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    passedOn.push(error);
    logger.error({ err: String(error) }, "request failed");
    res.status(500).json({ error: "INTERNAL" });
  };
  app.use(merchantErrors);
  const expressBase = await listen(app);
  urls["express confirm"] = `${expressBase}/api/checkout/confirm`;
  urls["express session"] = `${expressBase}/api/checkout/session`;
  urls["express webhooks"] = `${expressBase}/webhooks/checkoutdotcom`;

  const nodeCheckout = createHandoffHandler(handoff, { basePath: "/api/checkout" });
  const nodeWebhooks = createWebhookHandler(receiver);
  const nodeBase = await listen(async (req, res) => {
    if (!(await nodeWebhooks(req, res)) && !(await nodeCheckout(req, res))) res.writeHead(404).end();
  });
  urls["node confirm"] = `${nodeBase}/api/checkout/confirm`;
  urls["node session"] = `${nodeBase}/api/checkout/session`;
  urls["node webhooks"] = `${nodeBase}/webhooks/checkoutdotcom`;

  const fetchCheckout = createFetchHandoffHandler(handoff, { basePath: "/api/checkout" });
  const fetchWebhooks = createFetchWebhookHandler({ inbox, signatureKeys: ["whsec_x"], logger });
  const fetchBase = await listen(
    bridge((request) =>
      new URL(request.url).pathname.startsWith("/webhooks/")
        ? fetchWebhooks(request)
        : fetchCheckout(request),
    ),
  );
  urls["fetch confirm"] = `${fetchBase}/api/checkout/confirm`;
  urls["fetch session"] = `${fetchBase}/api/checkout/session`;
  urls["fetch webhooks"] = `${fetchBase}/webhooks/checkoutdotcom`;
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  for (const server of servers) server.close();
  await h.close();
});

/** Headers, a Content-Length of 100 and one byte of it, then the connection is destroyed. */
function hangUpMidBody(url: string): Promise<void> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`POST ${pathname} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 50);
    });
    socket.on("error", reject);
  });
}

async function until(done: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("the server never finished with the request");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("a client that hangs up mid-body", () => {
  it.each([
    "node confirm",
    "node session",
    "node webhooks",
    "express confirm",
    "express session",
    "express webhooks",
    "fetch confirm",
    "fetch session",
    "fetch webhooks",
  ])("on %s: no error logged or passed on, no 5xx, nothing stored", async (name) => {
    const [linesBefore, handledBefore, storedBefore] = [lines.length, handled.length, await inbox.count()];
    await hangUpMidBody(urls[name] ?? "");
    await until(() => handled.length > handledBefore);
    const entry = handled[handledBefore];
    await until(() => entry?.settled === true && (entry.threw !== undefined || entry.res.writableEnded));
    // A tick more for anything logged after the answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const loud = lines.slice(linesBefore).filter((line) => line.level >= 40);
    expect(loud).toEqual([]);
    expect(entry?.threw).toBeUndefined();
    expect(entry?.res.statusCode).toBeLessThan(500);
    expect(passedOn).toEqual([]);
    expect(await inbox.count()).toBe(storedBefore);
  });

  it("300 at once on the checkout route log no error, and the next shopper is served", async () => {
    const linesBefore = lines.length;
    const handledBefore = handled.length;
    await Promise.all(Array.from({ length: 300 }, () => hangUpMidBody(urls["node confirm"] ?? "")));
    await until(
      () => handled.slice(handledBefore).every((e) => e.settled) && handled.length >= handledBefore + 300,
    );
    expect(lines.slice(linesBefore).filter((line) => line.level >= 40)).toEqual([]);
    const answer = await fetch(urls["node session"] ?? "", {
      method: "POST",
      body: JSON.stringify({ cartId: await h.cart(undefined, { session: false }) }),
    });
    expect(answer.status).toBe(200);
  });
});
