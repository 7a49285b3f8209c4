import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../packages/ops/src/auth/secrets.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { type ServedConsole, serveOpsConsole } from "../support/ops-console.js";

/**
 * The ops API's money-moving requests, as a program sends them: whatever it sends that Handoff would
 * read as something else (a reused key, a currency, a field it ignores, a body that is not JSON)
 * is refused before Checkout.com is asked, and the order's record shows only money that moved.
 */
let h: WebhookHarness;
let served: ServedConsole;
let base: string;
const TOKEN = "tok_carol_0123456789abcdef";

beforeAll(async () => {
  h = await startWebhookHarness();
  served = await serveOpsConsole(h, {
    auth: { operators: [{ name: "carol", apiTokenHash: hashToken(TOKEN) }] },
  });
  base = served.origin;
});
afterAll(async () => {
  await served.close();
  await h.close();
});

async function paidOrder(): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }]);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  await h.waitUntilQuiet();
  return (reply.body as { orderId: string }).orderId;
}

function refund(orderId: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/ops/api/orders/${orderId}/refund`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...headers },
    body,
  });
}

const refunded = (orderId: string) =>
  [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId)?.balances.total_refunded;

describe("ops API: money-moving requests", () => {
  it("an Idempotency-Key sent again with another amount is refused (409), and the record shows only what moved", async () => {
    const orderId = await paidOrder();
    const key = { "idempotency-key": "same-key-123" };
    const first = await refund(orderId, JSON.stringify({ amount: 100, reason: "a" }), key);
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    const other = await refund(orderId, JSON.stringify({ amount: 900, reason: "b" }), key);
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: "IDEMPOTENCY_KEY_REUSED" });
    // The same request again is the same answer, and nothing new on the record.
    const again = await refund(orderId, JSON.stringify({ amount: 100, reason: "a" }), key);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual(firstBody);
    await h.waitUntilQuiet();
    expect(refunded(orderId)).toBe(100);
    const accepted = (await h.store.timeline(orderId)).filter(
      (e) => e.kind === "operator_action" && e.detail.accepted === true,
    );
    expect(accepted.map((e) => e.detail.amount)).toEqual([100]);
  });

  it("refuses what it would otherwise ignore: another currency, an unknown field, amount with full, a body not sent as JSON", async () => {
    const orderId = await paidOrder();
    const cases: Array<[string, Record<string, string>, number, string]> = [
      [JSON.stringify({ amount: 100, currency: "JPY" }), {}, 400, "INVALID_REQUEST"],
      [JSON.stringify({ amount: 100, full: true }), {}, 400, "AMOUNT_INVALID"],
      [JSON.stringify({ amount: 100, amount_major: "1.00" }), {}, 400, "INVALID_REQUEST"],
      [JSON.stringify({ amount: 100 }), { "content-type": "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    ];
    for (const [body, headers, status, error] of cases) {
      const response = await refund(orderId, body, headers);
      expect(`${body} ${headers["content-type"] ?? ""} → ${response.status}`).toBe(
        `${body} ${headers["content-type"] ?? ""} → ${status}`,
      );
      expect(await response.json()).toMatchObject({ error });
    }
    // The order's own currency, in any case, is what amounts are in.
    expect((await refund(orderId, JSON.stringify({ amount: 100, currency: "gbp" }))).status).toBe(202);
    await h.waitUntilQuiet();
    expect(refunded(orderId)).toBe(100);
  });

  it("refuses a filter it does not understand instead of listing every order", async () => {
    const get = (q: string) =>
      fetch(`${base}/ops/api/orders?${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    for (const q of ["status=nope", "currency=pounds", "from=yesterday", "review=1", "abandoned=maybe"]) {
      const response = await get(q);
      expect(`${q} → ${response.status}`).toBe(`${q} → 400`);
      expect(await response.json()).toMatchObject({ error: "INVALID_REQUEST" });
    }
    expect((await get("status=captured&currency=gbp&from=2026-01-01")).status).toBe(200);
  });
});
