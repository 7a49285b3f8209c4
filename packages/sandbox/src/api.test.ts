import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "./index.js";
import { call, tokenFor } from "./test-support/client.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = createSandbox({ captureDelayMs: 60_000 });
  await sandbox.listen();
});
beforeEach(() => sandbox.reset());
afterAll(() => sandbox.close());

const payment = (token: string, extra: Record<string, unknown> = {}) => ({
  source: { type: "token", token },
  amount: 1000,
  currency: "GBP",
  reference: "ord_api",
  ...extra,
});

describe("keys", () => {
  it("takes the public key on /tokens and the secret key elsewhere, with or without Bearer", async () => {
    const card = { type: "card", number: "4242424242424242", expiry_month: 1, expiry_year: 2040 };
    expect(
      (await call(sandbox, "POST", "/tokens", { auth: sandbox.keys.publicKey, body: card })).status,
    ).toBe(201);
    const withSecret = await call(sandbox, "POST", "/tokens", { body: card });
    expect(withSecret.status).toBe(401);
    expect(withSecret.body).toBeUndefined();
    const token = await tokenFor(sandbox);
    expect(
      (await call(sandbox, "POST", "/payments", { auth: sandbox.keys.publicKey, body: payment(token) }))
        .status,
    ).toBe(401);
    expect((await call(sandbox, "POST", "/payments", { auth: null, body: payment(token) })).status).toBe(401);
    expect(
      (await call(sandbox, "POST", "/payments", { auth: sandbox.keys.secretKey, body: payment(token) }))
        .status,
    ).toBe(201);
  });

  it("stamps Cko-Request-Id and Cko-Version on every answer", async () => {
    const answer = await call(sandbox, "GET", "/payments/pay_mbabizu24mvu3mela5njyhpit4");
    expect(answer.status).toBe(404);
    expect(answer.headers.get("cko-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get("cko-version")).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("POST /tokens", () => {
  const tokenize = (body: unknown) =>
    call(sandbox, "POST", "/tokens", { auth: `Bearer ${sandbox.keys.publicKey}`, body });

  it("lists every problem with the card at once", async () => {
    const answer = await tokenize({
      type: "card",
      number: "4242424242424241",
      expiry_month: 13,
      expiry_year: 2030,
      cvv: "12",
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({ error_type: "request_invalid" });
    expect(answer.body.error_codes).toEqual([
      "card_number_invalid",
      "card_expiry_month_invalid",
      "cvv_invalid",
    ]);
    expect(answer.body.request_id).toBeTruthy();
  });

  it("refuses a past expiry, a missing number and a missing type", async () => {
    expect(
      (await tokenize({ type: "card", number: "4242424242424242", expiry_month: 1, expiry_year: 2020 })).body
        .error_codes,
    ).toEqual(["card_expired"]);
    expect((await tokenize({ type: "card", expiry_month: 1, expiry_year: 2040 })).body.error_codes).toEqual([
      "card_number_required",
    ]);
    expect((await tokenize({ number: "4242424242424242" })).body.error_codes).toEqual([
      "token_type_required",
    ]);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const answer = await tokenize("{not json");
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error_type: "request_malformed" });
  });

  it("allows browsers to call it cross-origin", async () => {
    const preflight = await fetch(`${sandbox.url}/tokens`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
  });
});

describe("POST /payments", () => {
  it("expires tokens after 15 minutes", async () => {
    const token = await tokenFor(sandbox);
    sandbox.advanceClock(15 * 60_000 + 1);
    const answer = await call(sandbox, "POST", "/payments", { body: payment(token) });
    expect(answer.status).toBe(422);
    expect(answer.body.error_codes).toEqual(["token_expired"]);
  });

  it("does not spend a token on a request it rejects", async () => {
    const token = await tokenFor(sandbox);
    const bad = await call(sandbox, "POST", "/payments", { body: payment(token, { currency: "XXY" }) });
    expect(bad.body.error_codes).toEqual(["currency_invalid"]);
    expect((await call(sandbox, "POST", "/payments", { body: payment(token) })).status).toBe(201);
  });

  it("names unknown tokens token_invalid", async () => {
    const answer = await call(sandbox, "POST", "/payments", {
      body: payment("tok_aaaaaaaaaaaaaaaaaaaaaaaaaa"),
    });
    expect(answer.body.error_codes).toEqual(["token_invalid"]);
  });

  it("holds metadata to 20 flat keys with values up to 255 characters", async () => {
    const token = await tokenFor(sandbox);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"]));
    for (const metadata of [many, { long: "x".repeat(256) }, { nested: { a: 1 } }]) {
      const answer = await call(sandbox, "POST", "/payments", { body: payment(token, { metadata }) });
      expect(answer.status).toBe(422);
      expect(answer.body.error_codes).toEqual(["metadata_invalid"]);
    }
  });

  it("reports missing source and currency by name", async () => {
    const answer = await call(sandbox, "POST", "/payments", { body: { amount: 100 } });
    expect(answer.body.error_codes.sort()).toEqual(["currency_required", "payment_source_required"]);
  });

  it("approves and captures a little later, as Checkout.com does with capture: true", async () => {
    const fast = createSandbox({ captureDelayMs: 10 });
    await fast.listen();
    try {
      const created = await call(fast, "POST", "/payments", { body: payment(await tokenFor(fast)) });
      expect(created.body.status).toBe("Authorized");
      await fast.idle();
      const later = await call(fast, "GET", `/payments/${created.body.id}`);
      expect(later.body.status).toBe("Captured");
    } finally {
      await fast.close();
    }
  });

  it("flags the risk test card and blocks the risk-blocked one", async () => {
    const flagged = await call(sandbox, "POST", "/payments", {
      body: payment(await tokenFor(sandbox, "4000000000000101")),
    });
    expect(flagged.body).toMatchObject({ approved: true, risk: { flagged: true } });
    const blocked = await call(sandbox, "POST", "/payments", {
      body: payment(await tokenFor(sandbox, "4000000000000408")),
    });
    expect(blocked.body).toMatchObject({ approved: false, response_code: "40101" });
  });

  it("finds a payment by its 3-D Secure session id", async () => {
    const token = await tokenFor(sandbox, "4010061700000021");
    const pending = await call(sandbox, "POST", "/payments", {
      body: payment(token, { "3ds": { enabled: true } }),
    });
    expect(pending.status).toBe(202);
    const sid = String(pending.body._links.redirect.href).split("/").pop();
    const bySession = await call(sandbox, "GET", `/payments/${sid}`);
    expect(bySession.body).toMatchObject({ id: pending.body.id, status: "Pending" });
  });
});

describe("Cko-Idempotency-Key", () => {
  it("answers 429 to a second request while the first is still processing, then replays", async () => {
    const token = await tokenFor(sandbox);
    await call(sandbox, "POST", "/_sandbox/faults", { body: { route: "payments", delayMs: 300 } });
    const headers = { "cko-idempotency-key": "order-1-attempt-1" };
    const first = call(sandbox, "POST", "/payments", { body: payment(token), headers });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const concurrent = await call(sandbox, "POST", "/payments", { body: payment(token), headers });
    expect(concurrent.status).toBe(429);
    const original = await first;
    expect(original.status).toBe(201);
    const replay = await call(sandbox, "POST", "/payments", { body: payment(token), headers });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(original.body);
    expect((await call(sandbox, "GET", "/_sandbox/payments")).body.total_count).toBe(1);
  });

  it("stores nothing for a failed request, so the same key can succeed later", async () => {
    const headers = { "cko-idempotency-key": "k-fail" };
    const bad = await call(sandbox, "POST", "/payments", {
      body: payment("tok_aaaaaaaaaaaaaaaaaaaaaaaaaa"),
      headers,
    });
    expect(bad.status).toBe(422);
    const good = await call(sandbox, "POST", "/payments", {
      body: payment(await tokenFor(sandbox)),
      headers,
    });
    expect(good.status).toBe(201);
  });

  it("keeps a replay for 24 hours and no longer", async () => {
    const headers = { "cko-idempotency-key": "k-day" };
    const token = await tokenFor(sandbox);
    const first = await call(sandbox, "POST", "/payments", { body: payment(token), headers });
    sandbox.advanceClock(23 * 3600_000);
    expect((await call(sandbox, "POST", "/payments", { body: payment(token), headers })).body.id).toBe(
      first.body.id,
    );
    sandbox.advanceClock(2 * 3600_000);
    const late = await call(sandbox, "POST", "/payments", { body: payment(token), headers });
    expect(late.body.error_codes).toEqual(["token_used"]);
  });

  it("applies to refunds too: the same refund key refunds once", async () => {
    const created = await call(sandbox, "POST", "/payments", {
      body: payment(await tokenFor(sandbox), { capture: false }),
    });
    await call(sandbox, "POST", `/payments/${created.body.id}/captures`, {});
    const headers = { "cko-idempotency-key": "refund-1" };
    const a = await call(sandbox, "POST", `/payments/${created.body.id}/refunds`, {
      body: { amount: 300 },
      headers,
    });
    const b = await call(sandbox, "POST", `/payments/${created.body.id}/refunds`, {
      body: { amount: 300 },
      headers,
    });
    expect(b.body.action_id).toBe(a.body.action_id);
    expect((await call(sandbox, "GET", `/payments/${created.body.id}`)).body.balances.total_refunded).toBe(
      300,
    );
  });
});

describe("faults for tests", () => {
  it("can fail the next request with a status, or charge and then hang up", async () => {
    await call(sandbox, "POST", "/_sandbox/faults", { body: { route: "payments", status: 502 } });
    expect(
      (await call(sandbox, "POST", "/payments", { body: payment(await tokenFor(sandbox)) })).status,
    ).toBe(502);
    await call(sandbox, "POST", "/_sandbox/faults", { body: { route: "payments", drop: true } });
    await expect(
      call(sandbox, "POST", "/payments", { body: payment(await tokenFor(sandbox)) }),
    ).rejects.toThrow();
    // The dropped request still charged: exactly what a merchant's retry must not double.
    expect((await call(sandbox, "GET", "/_sandbox/payments")).body.total_count).toBe(1);
  });

  it("rejects a fault for a route it does not know", async () => {
    const answer = await call(sandbox, "POST", "/_sandbox/faults", { body: { route: "nowhere" } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/route must be one of/);
  });
});
