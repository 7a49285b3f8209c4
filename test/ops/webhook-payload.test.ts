import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../packages/ops/src/auth/secrets.js";
import { sampleEventFor } from "../../packages/server/src/test-support/events.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { signTestWebhook } from "../../packages/server/src/webhooks/verify.js";
import { type ServedConsole, serveOpsConsole } from "../support/ops-console.js";

/** The ops page of one webhook, after Checkout.com (here, a correctly signed request) sent it. */
let h: WebhookHarness;
let served: ServedConsole;
let base: string;
const ERIN = { name: "erin", password: "a long enough password" };

beforeAll(async () => {
  h = await startWebhookHarness();
  served = await serveOpsConsole(h, {
    auth: { operators: [{ name: ERIN.name, passwordHash: hashPassword(ERIN.password) }] },
  });
  base = served.origin;
});
afterAll(async () => {
  await served.close();
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
