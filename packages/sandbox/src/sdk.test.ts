import {
  actionAcceptedResponseSchema,
  paymentActionsResponseSchema,
  paymentDetailsSchema,
  paymentPendingResponseSchema,
  paymentProcessedResponseSchema,
  tokenResponseSchema,
} from "@handoff/contracts";
import { Checkout } from "checkout-sdk-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "./index.js";

/**
 * The official Checkout.com Node SDK, pointed at the sandbox with `host`, must not notice it is
 * talking to a simulator: every answer also parses with our contract schemas.
 */
let sandbox: Sandbox;
let cko: InstanceType<typeof Checkout>;

const card = (number: string) => ({ type: "card", number, expiry_month: 6, expiry_year: 2030, cvv: "100" });

async function token(number = "4242424242424242"): Promise<string> {
  const response = await cko.tokens.request(card(number));
  return tokenResponseSchema.parse(response).token;
}

async function pay(extra: Record<string, unknown> = {}, number = "4242424242424242", key?: string) {
  const tok = await token(number);
  return cko.payments.request(
    {
      source: { type: "token", token: tok },
      amount: 6540,
      currency: "GBP",
      reference: "ord_sdk_1",
      metadata: { AccelerateToken: tok },
      ...extra,
    },
    key,
  );
}

beforeAll(async () => {
  delete process.env.CKO_SECRET_KEY;
  sandbox = createSandbox({ captureDelayMs: 60_000 });
  await sandbox.listen();
  cko = new Checkout(sandbox.keys.secretKey, { pk: sandbox.keys.publicKey, host: sandbox.url });
});
afterAll(() => sandbox.close());

describe("the official checkout-sdk-node against the sandbox", () => {
  it("tokenizes a card with the public key", async () => {
    const response = tokenResponseSchema.parse(await cko.tokens.request(card("4242424242424242")));
    expect(response.last4).toBe("4242");
    expect(response.bin).toBe("424242");
    expect(new Date(response.expires_on).getTime() - Date.now()).toBeGreaterThan(14 * 60_000);
  });

  it("authorizes, reads back, captures in part, refunds in part, and keeps balances consistent", async () => {
    const created = paymentProcessedResponseSchema.parse(await pay({ capture: false }));
    expect(created).toMatchObject({
      approved: true,
      status: "Authorized",
      response_code: "10000",
      amount: 6540,
    });
    expect(created._links.capture).toBeDefined();
    expect(created.metadata?.AccelerateToken).toMatch(/^tok_/);

    const details = paymentDetailsSchema.parse(await cko.payments.get(created.id));
    expect(details).toMatchObject({ id: created.id, status: "Authorized", reference: "ord_sdk_1" });

    const capture = actionAcceptedResponseSchema.parse(
      await cko.payments.capture(created.id, { amount: 4000 }),
    );
    let after = paymentDetailsSchema.parse(await cko.payments.get(created.id));
    expect(after.status).toBe("Partially Captured");
    expect(after.balances).toMatchObject({
      total_captured: 4000,
      available_to_capture: 2540,
      available_to_refund: 4000,
    });

    await cko.payments.refund(created.id, { amount: 1500, reference: "rf_1" });
    after = paymentDetailsSchema.parse(await cko.payments.get(created.id));
    expect(after.status).toBe("Partially Refunded");
    expect(after.balances).toMatchObject({
      total_refunded: 1500,
      available_to_refund: 2500,
      available_to_void: 0,
    });

    const actions = paymentActionsResponseSchema.parse(await cko.payments.getActions(created.id));
    expect(actions.map((a) => a.type)).toEqual(["Refund", "Capture", "Authorization"]);
    expect(actions[1]?.id).toBe(capture.action_id);
    expect(actions[2]?.id).toBe(created.action_id);
  });

  it("refuses actions the payment's state does not allow, with 403 and 422", async () => {
    const created = paymentProcessedResponseSchema.parse(await pay({ capture: false }));
    await expect(cko.payments.refund(created.id, { amount: 100 })).rejects.toMatchObject({ http_code: 403 });
    await expect(cko.payments.capture(created.id, { amount: 7000 })).rejects.toMatchObject({
      http_code: 422,
      body: { error_codes: ["capture_value_greater_than_authorized"] },
    });
    await cko.payments.void(created.id, { reference: "void_1" });
    const voided = paymentDetailsSchema.parse(await cko.payments.get(created.id));
    expect(voided.status).toBe("Voided");
    expect(voided.balances).toMatchObject({
      total_voided: 6540,
      available_to_capture: 0,
      available_to_void: 0,
    });
    await expect(cko.payments.capture(created.id)).rejects.toMatchObject({ http_code: 403 });
  });

  it("declines the insufficient-funds test card with 201 and its response code", async () => {
    const declined = paymentProcessedResponseSchema.parse(await pay({}, "4544249167673670"));
    expect(declined).toMatchObject({ approved: false, status: "Declined", response_code: "20051" });
    expect(declined._links.capture).toBeUndefined();
    expect(declined.source?.id).toBeUndefined();
  });

  it("answers 202 with a redirect for a 3-D Secure challenge card", async () => {
    const pending = paymentPendingResponseSchema.parse(
      await pay(
        { "3ds": { enabled: true }, success_url: "http://127.0.0.1/ok", failure_url: "http://127.0.0.1/no" },
        "4010061700000021",
      ),
    );
    expect(pending._links.redirect.href).toMatch(/\/3ds\/sid_\w{26}$/);
  });

  it("refuses a spent token with token_used", async () => {
    const tok = await token();
    const body = { source: { type: "token", token: tok }, amount: 100, currency: "GBP" };
    await cko.payments.request(body);
    await expect(cko.payments.request(body)).rejects.toMatchObject({
      http_code: 422,
      body: { error_codes: ["token_used"] },
    });
  });

  it("replays the same answer for the same idempotency key instead of charging twice", async () => {
    const tok = await token();
    const body = { source: { type: "token", token: tok }, amount: 100, currency: "GBP", reference: "idem" };
    const first = await cko.payments.request(body, "idem-key-1");
    const second = await cko.payments.request(body, "idem-key-1");
    expect(second).toEqual(first);
    const list = (await cko.payments.getPaymentList({ reference: "idem" })) as { total_count: number };
    expect(list.total_count).toBe(1);
  });

  it("rejects a wrong secret key with 401", async () => {
    const stranger = new Checkout("sk_sbox_m73dzbpy7cf3gfd46xr4yj5xo4e", {
      pk: sandbox.keys.publicKey,
      host: sandbox.url,
    });
    await expect(stranger.payments.get("pay_mbabizu24mvu3mela5njyhpit4")).rejects.toMatchObject({
      http_code: 401,
    });
  });
});
