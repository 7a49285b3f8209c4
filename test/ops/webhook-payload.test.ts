import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../packages/ops/src/auth/secrets.js";
import { createOpsRouter } from "../../packages/ops/src/router.js";
import { sampleEventFor } from "../../packages/server/src/test-support/events.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { signTestWebhook } from "../../packages/server/src/webhooks/verify.js";

/** The ops page of one webhook, after Checkout.com (here, a correctly signed request) sent it. */
let h: WebhookHarness;
let server: Server;
let base: string;
const ERIN = { name: "erin", password: "a long enough password" };

beforeAll(async () => {
  h = await startWebhookHarness();
  const app = express();
  app.use(
    "/ops",
    createOpsRouter(h.handoff, {
      auth: { operators: [{ name: ERIN.name, passwordHash: hashPassword(ERIN.password) }] },
      db: h.db,
      webhooks: h.webhooks,
    }),
  );
  server = createServer(app);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await h.close();
});

async function sessionCookie(): Promise<string> {
  const response = await fetch(`${base}/ops/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(ERIN).toString(),
  });
  return /handoff_ops_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";
}

describe("the webhook event page", () => {
  it("shows no card number, secret key or e-mail address put in free-form fields, and keeps ids and amounts", async () => {
    const event = sampleEventFor("payment_captured", {
      amount: 1450,
      metadata: { note: "key sk_sbox_lwohc4ufkplpu3nyqxvbq2wk2yq", pan: "4242 4242 4242 4242" },
      weird: "victim2@example.com",
    });
    const { body, headers } = signTestWebhook(event, h.sandbox.keys.signatureKey);
    expect((await fetch(h.url, { method: "POST", body, headers })).status).toBe(200);

    const page = await (
      await fetch(`${base}/ops/webhooks/${event.id}`, { headers: { cookie: await sessionCookie() } })
    ).text();
    expect(page).toContain("Payload (personal data and secrets redacted)");
    for (const secret of ["sk_sbox_lwohc", "4242 4242 4242 4242", "victim2@example.com", "victim2"])
      expect(page).not.toContain(secret);
    expect(page).toContain(event.data.id);
    expect(page).toContain(event.data.action_id);
    expect(page).toContain("1450");
    expect(page).toContain("key [redacted]");
  });
});
