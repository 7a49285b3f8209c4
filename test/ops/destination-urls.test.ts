import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../packages/ops/src/auth/secrets.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { type ServedConsole, serveOpsConsole } from "../support/ops-console.js";

/** Adding a destination through the ops API, as a program would: URLs it must refuse, and why. */
let h: WebhookHarness;
let served: ServedConsole;
let base: string;
const TOKEN = "tok_dora_0123456789abcdef";

beforeAll(async () => {
  h = await startWebhookHarness();
  served = await serveOpsConsole(h, {
    auth: { operators: [{ name: "dora", apiTokenHash: hashToken(TOKEN) }] },
    outbox: h.outbox,
  });
  base = served.origin;
});
afterAll(async () => {
  await served.close();
  await h.close();
});

const headers = { "content-type": "application/json", authorization: `Bearer ${TOKEN}` };

async function add(id: string, url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/ops/api/destinations`, {
    method: "POST",
    headers,
    body: JSON.stringify({ id, url, events: ["order.*"] }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const listed = async () => (await fetch(`${base}/ops/api/destinations`, { headers })).text();

describe("ops API: a destination's URL", () => {
  it("with a user name or password is refused (400), saying deliveries are signed, and nothing is stored", async () => {
    const { status, body } = await add("cred", "http://alice:S3cretPass@127.0.0.1:3290/cred");
    expect(status).toBe(400);
    expect(body.error).toBe("INVALID_REQUEST");
    expect(body.message).toMatch(/^url: must not contain a user name or password.*signed/);
    expect(JSON.stringify(body)).not.toContain("S3cretPass");
    const all = await listed();
    expect(all).not.toContain("S3cretPass");
    expect(all).not.toContain('"cred"');
  });

  it("at an IPv4-compatible IPv6 address is refused like the address it embeds", async () => {
    const { status, body } = await add("compat", "http://[::169.254.169.254]/");
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: "DESTINATION_NOT_ALLOWED" });
    expect(body.message).toMatch(/linkLocal/);
  });

  it("longer than 2,048 characters is refused (400) with the limit in the message", async () => {
    const { status, body } = await add("long", `https://93.184.216.34/${"x".repeat(15_000)}`);
    expect(status).toBe(400);
    expect(body).toEqual({ error: "INVALID_REQUEST", message: "url: must be at most 2,048 characters" });
  });

  it("with an upper-case scheme is taken, as schemes are case-insensitive", async () => {
    const { status } = await add("upper", "HTTP://93.184.216.34/hooks");
    expect(status).toBe(201);
    expect(await listed()).toContain('"upper"');
    const removed = await fetch(`${base}/ops/api/destinations/upper`, { method: "DELETE", headers });
    expect(removed.status).toBe(204);
  });
});
