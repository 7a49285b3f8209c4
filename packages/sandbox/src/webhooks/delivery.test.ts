import { createHmac, timingSafeEqual } from "node:crypto";
import { parseWebhookEvent } from "@handoff/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../index.js";
import { startReceiver } from "../test-support/receiver.js";
import { parseChaos } from "./chaos.js";
import { RETRY_SCHEDULE_MS } from "./delivery.js";

const open: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function setup(options: Parameters<typeof createSandbox>[0] = {}, respond?: (n: number) => number) {
  const receiver = await startReceiver(respond);
  const sandbox = createSandbox({ webhookUrls: [receiver.url], captureDelayMs: 20, ...options });
  await sandbox.listen();
  open.push(sandbox, receiver);
  return { sandbox, receiver };
}

/** Drives the sandbox over HTTP the way a merchant server would. */
async function api(sandbox: Sandbox, path: string, body?: unknown, key = sandbox.keys.secretKey) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function charge(sandbox: Sandbox, number: string, extra: Record<string, unknown> = {}) {
  const token = await api(
    sandbox,
    "/tokens",
    {
      type: "card",
      number,
      expiry_month: 12,
      expiry_year: 2031,
      cvv: number.startsWith("3") ? "1234" : "123",
    },
    sandbox.keys.publicKey,
  );
  const tok = token.body.token as string;
  return api(sandbox, "/payments", {
    source: { type: "token", token: tok },
    amount: 2500,
    currency: "EUR",
    reference: "ord_wh",
    metadata: { AccelerateToken: tok, basket: 3 },
    ...extra,
  });
}

describe("webhook delivery", () => {
  it("signs every delivery with an HMAC of the exact bytes that an independent verifier reproduces", async () => {
    const { sandbox, receiver } = await setup({
      signatureKey: "whsec_independent",
      authorizationKey: "auth-123",
    });
    await charge(sandbox, "4242424242424242");
    await sandbox.idle();
    expect(receiver.types()).toEqual(["payment_approved", "payment_captured"]);
    for (const delivery of receiver.received) {
      const expected = createHmac("sha256", "whsec_independent").update(Buffer.from(delivery.body)).digest();
      const header = String(delivery.headers["cko-signature"]);
      expect(header).toMatch(/^[0-9a-f]{64}$/);
      expect(timingSafeEqual(Buffer.from(header, "hex"), expected)).toBe(true);
      expect(delivery.headers.authorization).toBe("auth-123");
      expect(delivery.headers["content-type"]).toBe("application/json");
    }
  });

  it("sends bodies in Checkout.com's webhook shape, which our contracts parse", async () => {
    const { sandbox, receiver } = await setup();
    const payment = await charge(sandbox, "4242424242424242");
    await sandbox.idle();
    const approved = JSON.parse(receiver.received[0]?.body ?? "{}");
    expect(parseWebhookEvent(approved).success).toBe(true);
    expect(approved.data).toMatchObject({
      id: payment.body.id,
      action_id: payment.body.action_id,
      reference: "ord_wh",
      amount: 2500,
      response_code: "10000",
      // Webhooks echo metadata numbers as strings, and use last_4, not last4.
      metadata: { basket: "3" },
      source: { last_4: "4242" },
    });
    expect(approved.id).toMatch(/^evt_\w{26}$/);
    expect(approved.created_on).toMatch(/\.\d{7}Z$/);
    const captured = JSON.parse(receiver.received[1]?.body ?? "{}");
    expect(captured.data.action_id).not.toBe(payment.body.action_id);
    expect(captured.data.balances).toMatchObject({ total_captured: 2500, available_to_refund: 2500 });
  });

  it("emits an event for every outcome: decline, refund, void, declined actions, 3DS failure and disputes", async () => {
    const { sandbox, receiver } = await setup();
    await charge(sandbox, "4556253752712245");
    const refunded = await charge(sandbox, "4242424242424242");
    await sandbox.idle();
    await api(sandbox, `/payments/${refunded.body.id}/refunds`, { amount: 500 });
    const held = await charge(sandbox, "4242424242424242", { capture: false });
    await fetch(`${sandbox.url}/_sandbox/payments/${held.body.id}/decline-next`, {
      method: "POST",
      body: JSON.stringify({ action: "capture" }),
    });
    await api(sandbox, `/payments/${held.body.id}/captures`, {});
    await api(sandbox, `/payments/${held.body.id}/voids`, {});
    const challenged = await charge(sandbox, "4010061700000021", {
      "3ds": { enabled: true },
      failure_url: "http://127.0.0.1:9/failed",
    });
    const sid = String(challenged.body._links.redirect.href).split("/").pop();
    await fetch(`${sandbox.url}/3ds/${sid}`, { method: "POST", body: "action=fail", redirect: "manual" });
    await fetch(`${sandbox.url}/_sandbox/trigger`, {
      method: "POST",
      body: JSON.stringify({ type: "dispute_received", payment: refunded.body.id }),
    });
    await sandbox.idle();
    expect(receiver.types()).toEqual([
      "payment_declined",
      "payment_approved",
      "payment_captured",
      "payment_refunded",
      "payment_approved",
      "payment_capture_declined",
      "payment_voided",
      "payment_pending",
      "payment_authentication_failed",
      "dispute_received",
    ]);
    for (const r of receiver.received) expect(parseWebhookEvent(JSON.parse(r.body)).success).toBe(true);
    const declined = JSON.parse(receiver.received[0]?.body ?? "{}");
    expect(declined.data).toMatchObject({ response_code: "20063", response_summary: "Security Violation" });
    const dispute = JSON.parse(receiver.received.at(-1)?.body ?? "{}");
    expect(dispute.data).toMatchObject({ payment_id: refunded.body.id, payment_reference: "ord_wh" });
  });

  it("retries a failing endpoint on Checkout.com's schedule, scaled, until it answers 2xx", async () => {
    // 5 minutes scaled by 100 000 is 3 ms; the whole schedule (about 32 hours) takes about 1.2 s.
    const { sandbox, receiver } = await setup({ timeScale: 100_000 }, (n) => (n <= 3 ? 500 : 200));
    await charge(sandbox, "4544249167673670");
    await sandbox.idle();
    const attempts = sandbox.webhooks.attempts;
    expect(attempts.map((a) => [a.attempt, a.status, a.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 500, false],
      [4, 200, true],
    ]);
    const gaps = receiver.received.slice(1).map((r, i) => r.at - (receiver.received[i]?.at ?? 0));
    const scaled = RETRY_SCHEDULE_MS.slice(0, 3).map((ms) => ms / 100_000);
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual((scaled[i] ?? 0) - 1);
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);
  });

  it("gives up after the eighth retry", async () => {
    const { sandbox } = await setup({ timeScale: 100_000 }, () => 503);
    await charge(sandbox, "4544249167673670");
    await sandbox.idle();
    expect(sandbox.webhooks.attempts).toHaveLength(1 + RETRY_SCHEDULE_MS.length);
    expect(sandbox.webhooks.attempts.every((a) => !a.ok)).toBe(true);
  });

  it("plays the same chaos for the same seed, and different chaos for another", async () => {
    const chaos = parseChaos("duplicate=0.5,reorder=0.3,delay=0-20,fail-first=0.3");
    async function run(seed: number) {
      const { sandbox, receiver } = await setup({ chaos, seed, timeScale: 100_000 });
      for (let i = 0; i < 6; i++) await charge(sandbox, "4544249167673670");
      await sandbox.idle();
      const plans = sandbox.webhooks.events.map((e) => e.plan);
      const attempts = sandbox.webhooks.attempts.map((a) => `${a.attempt}:${a.chaos ?? "-"}:${a.ok}`).sort();
      return { plans, attempts, delivered: receiver.received.length };
    }
    const first = await run(42);
    const again = await run(42);
    const other = await run(7);
    expect(again).toEqual(first);
    expect(other.plans).not.toEqual(first.plans);
    expect(first.plans.some((p) => p?.duplicate)).toBe(true);
    expect(first.delivered).toBeGreaterThan(6);
  });

  it("delivers a reordered event after the one that followed it", async () => {
    // With reorder=1 every event is held for its successor: approved goes out after captured.
    const { sandbox, receiver } = await setup({ chaos: parseChaos("reorder=1"), seed: 3 });
    await charge(sandbox, "4242424242424242");
    await sandbox.idle();
    expect(receiver.types()).toEqual(["payment_captured", "payment_approved"]);
  });
});
