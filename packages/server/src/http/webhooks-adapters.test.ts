import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../db/sqlite.js";
import { sampleEventFor } from "../test-support/events.js";
import { SqlWebhookInbox } from "../webhooks/inbox.js";
import { createWebhookReceiver } from "../webhooks/receive.js";
import {
  checkAuthorization,
  checkSignature,
  explainSignatureProblem,
  signTestWebhook,
} from "../webhooks/verify.js";
import { createWebhookRouter } from "./webhooks-express.js";
import { createFetchWebhookHandler } from "./webhooks-fetch.js";

const logger = pino({ level: "silent" });
const servers: Server[] = [];
let inbox: SqlWebhookInbox;
const urls: Record<string, string> = {};

async function listen(app: express.Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/checkoutdotcom`;
}

beforeAll(async () => {
  inbox = new SqlWebhookInbox(await openSqlite("file::memory:"));
  const receiver = createWebhookReceiver({
    inbox,
    signatureKeys: ["whsec_x"],
    logger,
    signatureCheck: checkSignature,
    authorizationCheck: checkAuthorization,
    explain: explainSignatureProblem,
  });
  const plain = express();
  plain.use("/webhooks/checkoutdotcom", createWebhookRouter(receiver, logger));
  plain.use(express.json());
  urls.plain = await listen(plain);

  const parsedFirst = express();
  parsedFirst.use(express.json());
  parsedFirst.use("/webhooks/checkoutdotcom", createWebhookRouter(receiver, logger));
  urls.parsedFirst = await listen(parsedFirst);

  const captured = express();
  captured.use(
    express.json({
      verify: (req, _res, buf) => {
        (req as unknown as { rawBody: Buffer }).rawBody = buf;
      },
    }),
  );
  captured.use("/webhooks/checkoutdotcom", createWebhookRouter(receiver, logger));
  urls.captured = await listen(captured);
});
afterAll(() => {
  for (const server of servers) server.close();
});

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", body, headers });

describe("the Express webhook router", () => {
  it("reads the raw body itself, so a correctly signed event is stored", async () => {
    const event = sampleEventFor("payment_captured");
    const { body, headers } = signTestWebhook(event, "whsec_x");
    expect((await post(urls.plain ?? "", body, headers)).status).toBe(200);
    expect(await inbox.get(event.id)).toBeDefined();
  });

  it("fails loudly, naming the cause, when express.json() ran first", async () => {
    const { body, headers } = signTestWebhook(sampleEventFor("payment_captured"), "whsec_x");
    const response = await post(urls.parsedFirst ?? "", body, headers);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      error: "WEBHOOK_BODY_ALREADY_PARSED",
      message: expect.stringMatching(/express\.json/),
    });
  });

  it("uses req.rawBody when the merchant captured it in express.json({ verify })", async () => {
    const event = sampleEventFor("payment_refunded");
    const { body, headers } = signTestWebhook(event, "whsec_x");
    expect((await post(urls.captured ?? "", body, headers)).status).toBe(200);
    expect(await inbox.get(event.id)).toBeDefined();
  });

  it("answers 405 to a GET and 401 to a bad signature", async () => {
    expect((await fetch(urls.plain ?? "")).status).toBe(405);
    const { body, headers } = signTestWebhook(sampleEventFor("payment_captured"), "whsec_wrong");
    expect((await post(urls.plain ?? "", body, headers)).status).toBe(401);
  });
});

describe("the fetch webhook handler (WebCrypto)", () => {
  const handle = () =>
    createFetchWebhookHandler({ inbox, signatureKeys: ["whsec_x"], authorizationKey: "a1", logger });

  it("turns a signed Request into a stored event and a 200 Response", async () => {
    const event = sampleEventFor("payment_voided");
    const { body, headers } = signTestWebhook(event, "whsec_x", "a1");
    const response = await handle()(
      new Request("http://shop/webhooks/checkoutdotcom", { method: "POST", body, headers }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(await inbox.get(event.id)).toBeDefined();
  });

  it("refuses a wrong Authorization, a bad signature and a PUT", async () => {
    const { body, headers } = signTestWebhook(sampleEventFor("payment_voided"), "whsec_x", "a2");
    const request = (h: Record<string, string>, method = "POST") =>
      new Request("http://shop/webhooks/checkoutdotcom", { method, body, headers: h });
    expect((await handle()(request(headers))).status).toBe(401);
    expect(
      (await handle()(request({ ...headers, authorization: "a1", "cko-signature": "0".repeat(64) }))).status,
    ).toBe(401);
    const put = await handle()(request({ ...headers, authorization: "a1" }, "PUT"));
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("POST");
  });
});
