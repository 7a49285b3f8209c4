import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqlite } from "../db/sqlite.js";
import { createWebhookHandler } from "../http/webhooks-node.js";
import { sampleEventFor } from "../test-support/events.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { createWebhooks } from "./setup.js";
import { signTestWebhook } from "./verify.js";

let h: WebhookHarness;
beforeAll(async () => {
  h = await startWebhookHarness({
    authorizationKey: "auth-key-1",
    extraKeys: ["whsec_rotated_old"],
    startWorker: false,
  });
});
afterAll(() => h.close());

async function send(body: string, headers: Record<string, string>, method = "POST") {
  const response = await fetch(h.url, {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function signed(payload: object | string, key = h.sandbox.keys.signatureKey) {
  return signTestWebhook(payload, key, "auth-key-1");
}

async function lastRejection() {
  return (await h.webhooks.inbox.rejected(1))[0];
}

describe("webhook receiver", () => {
  it("stores a verified event once and acknowledges it; a redelivery changes nothing", async () => {
    const event = sampleEventFor("payment_approved");
    const { body, headers } = signed(event);
    expect(await send(body, headers)).toMatchObject({ status: 200, body: { received: true } });
    const again = await send(body, headers);
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    const stored = await h.webhooks.inbox.get(event.id);
    expect(stored).toMatchObject({ type: "payment_approved", status: "received", rawBody: body });
    expect(stored?.headers).not.toHaveProperty("authorization");
  });

  it("accepts a body signed with an older key still configured during rotation", async () => {
    const { body, headers } = signed(sampleEventFor("payment_captured"), "whsec_rotated_old");
    expect((await send(body, headers)).status).toBe(200);
  });

  it("refuses a bad signature with 401 and records it without secret values", async () => {
    const { body, headers } = signed(sampleEventFor("payment_approved"), "whsec_wrong");
    expect(await send(body, headers)).toMatchObject({ status: 401, body: { error: "SOURCE_AUTH_FAILED" } });
    const rejected = await lastRejection();
    expect(rejected).toMatchObject({
      reason: "signature_mismatch",
      method: "POST",
      bodySize: Buffer.byteLength(body),
    });
    expect(rejected?.headerNames).toContain("authorization");
    expect(JSON.stringify(rejected)).not.toContain("auth-key-1");
    expect(rejected?.rawBody).toBeUndefined();
  });

  it("refuses a wrong Authorization header even with a good signature", async () => {
    const { body, headers } = signed(sampleEventFor("payment_approved"));
    expect((await send(body, { ...headers, authorization: "auth-key-2" })).status).toBe(401);
    expect((await lastRejection())?.reason).toBe("authorization_mismatch");
  });

  it("refuses other methods with 405 and Allow", async () => {
    const reply = await send("", {}, "GET");
    expect(reply).toMatchObject({ status: 405, body: { error: "SOURCE_METHOD_NOT_ALLOWED" } });
    expect(reply.headers.get("allow")).toBe("POST");
  });

  it("stores a signed body that is not JSON or not an event (200, so Checkout.com never retries it), invalid with the reason", async () => {
    const { body, headers } = signed("this is { not json");
    expect(await send(body, headers)).toMatchObject({ status: 200, body: { received: true } });
    // The same bytes again are the same stored event.
    expect(await send(body, headers)).toMatchObject({ status: 200, body: { duplicate: true } });
    const notEvent = signed({ hello: "world" });
    expect((await send(notEvent.body, notEvent.headers)).status).toBe(200);
    await h.webhooks.worker.drain();
    const kept = (await h.webhooks.inbox.list({ status: "invalid", limit: 10 })).filter((e) =>
      e.id.startsWith("unparsed_"),
    );
    expect(kept.map((e) => [e.type, e.outcome])).toEqual(
      expect.arrayContaining([
        ["unparsable", "body is not JSON"],
        ["not_an_event", expect.stringMatching(/^schema: /)],
      ]),
    );
    // Replayable: an operator can run it through the worker again once the code understands it.
    const first = kept[0];
    expect(first && (await h.webhooks.reprocess(first.id))).toBe(true);
    await h.webhooks.worker.drain();
    const again = (await h.webhooks.inbox.list({ limit: 50 })).find((e) => e.id === first?.id);
    expect(again).toMatchObject({ status: "invalid", attempts: 1 });
  });

  it("refuses an oversized body with 413 before verifying it", async () => {
    const { body, headers } = signed({ ...sampleEventFor("payment_approved"), padding: "x".repeat(300_000) });
    expect(await send(body, headers)).toMatchObject({ status: 413, body: { error: "PAYLOAD_TOO_LARGE" } });
    expect(await lastRejection()).toMatchObject({ reason: "body_too_large" });
  });

  it("stores and acknowledges an event type it has never heard of", async () => {
    const event = { ...sampleEventFor("payment_approved"), type: "payment_instrument_created" };
    const { body, headers } = signed(event);
    expect((await send(body, headers)).status).toBe(200);
    await h.webhooks.worker.drain();
    expect(await h.webhooks.inbox.get(event.id)).toMatchObject({ status: "ignored" });
  });

  it("answers 503 when it cannot store, so Checkout.com retries", async () => {
    const db = await openSqlite("file::memory:");
    const webhooks = createWebhooks({ db, deps: h.deps, signatureKeys: ["k"] });
    await db.close();
    const handler = createWebhookHandler(webhooks.receiver);
    const { createServer } = await import("node:http");
    const server = createServer(async (req, res) => {
      await handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    const { body, headers } = signTestWebhook(sampleEventFor("payment_approved"), "k");
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/checkoutdotcom`, {
      method: "POST",
      body,
      headers,
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "STORE_UNAVAILABLE" });
    server.close();
  });
});
