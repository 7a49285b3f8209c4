import { describe, expect, it } from "vitest";
import { errorBodySchema } from "./common.js";
import {
  actionAcceptedResponseSchema,
  paymentActionsResponseSchema,
  paymentDetailsSchema,
  paymentPendingResponseSchema,
  paymentProcessedResponseSchema,
  paymentRequestSchema,
} from "./payment.js";
import { tokenResponseSchema } from "./token.js";

const host = "https://api.sandbox.checkout.com";
const PAY = "pay_mbabizu24mvu3mela5njyhpit4";
const request = {
  source: { type: "token", token: "tok_ubfj2q76miwundwlk72vxt2i7q" },
  amount: 6540,
  currency: "GBP",
  reference: "ord_01",
  processing_channel_id: "pc_q4dbxom5jbgudnjzjpz7j2z6uq",
  "3ds": { enabled: true },
  metadata: { AccelerateToken: "tok_ubfj2q76miwundwlk72vxt2i7q" },
};

function paths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) {
  return result.error?.issues.map((i) => i.path.join(".")) ?? [];
}

describe("payment request", () => {
  it("accepts a token-source payment as Handoff sends it", () => {
    expect(paymentRequestSchema.safeParse(request).success).toBe(true);
  });

  it("holds metadata to Checkout.com's limits: flat, 20 keys, 255-character values", () => {
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    expect(paths(paymentRequestSchema.safeParse({ ...request, metadata: tooMany }))).toEqual(["metadata"]);
    expect(
      paths(paymentRequestSchema.safeParse({ ...request, metadata: { note: "x".repeat(256) } })),
    ).toEqual(["metadata.note"]);
    expect(paths(paymentRequestSchema.safeParse({ ...request, metadata: { nested: { a: 1 } } }))).toEqual([
      "metadata.nested",
    ]);
    expect(
      paymentRequestSchema.safeParse({ ...request, metadata: { n: 1, b: true, s: "x".repeat(255) } }).success,
    ).toBe(true);
  });

  it("rejects fractional amounts and lowercase currencies", () => {
    expect(paths(paymentRequestSchema.safeParse({ ...request, amount: 65.4 }))).toEqual(["amount"]);
    expect(paths(paymentRequestSchema.safeParse({ ...request, currency: "gbp" }))).toEqual(["currency"]);
  });
});

describe("payment responses", () => {
  it("parses a 201 approval with balances and conditional links", () => {
    const body = {
      id: PAY,
      action_id: "act_mbabizu24mvu3mela5njyhpit4",
      amount: 6540,
      currency: "GBP",
      approved: true,
      status: "Authorized",
      auth_code: "770687",
      response_code: "10000",
      response_summary: "Approved",
      processed_on: "2026-09-10T10:11:12Z",
      reference: "ord_01",
      risk: { flagged: false, score: 0 },
      source: {
        type: "card",
        id: "src_wmlfc3zyhqzehihu7giusaaawu",
        last4: "4242",
        bin: "424242",
        scheme: "Visa",
      },
      balances: {
        total_authorized: 6540,
        total_voided: 0,
        available_to_void: 6540,
        total_captured: 0,
        available_to_capture: 6540,
        total_refunded: 0,
        available_to_refund: 0,
      },
      _links: {
        self: { href: `${host}/payments/${PAY}` },
        actions: { href: `${host}/payments/${PAY}/actions` },
        capture: { href: `${host}/payments/${PAY}/captures` },
        void: { href: `${host}/payments/${PAY}/voids` },
      },
    };
    const parsed = paymentProcessedResponseSchema.parse(body);
    expect(parsed.balances?.available_to_capture).toBe(6540);
    expect(paths(paymentProcessedResponseSchema.safeParse({ ...body, response_code: 10000 }))).toEqual([
      "response_code",
    ]);
  });

  it("parses a 202 3-D Secure response and requires its redirect link", () => {
    const body = {
      id: PAY,
      status: "Pending",
      reference: "ord_01",
      "3ds": { downgraded: false, enrolled: "Y" },
      _links: {
        self: { href: `${host}/payments/${PAY}` },
        redirect: { href: "https://3ds.example/challenge/1" },
      },
    };
    expect(paymentPendingResponseSchema.safeParse(body).success).toBe(true);
    expect(
      paths(paymentPendingResponseSchema.safeParse({ ...body, _links: { self: body._links.self } })),
    ).toEqual(["_links.redirect"]);
  });

  it("parses payment details, the actions array, action 202s and the 422 body", () => {
    expect(
      paymentDetailsSchema.safeParse({
        id: PAY,
        requested_on: "2026-09-10T10:11:12Z",
        amount: 100,
        currency: "EUR",
        status: "Partially Refunded",
        approved: true,
        _links: { self: { href: "x" } },
      }).success,
    ).toBe(true);
    expect(
      paymentActionsResponseSchema.safeParse([
        {
          id: "act_y3oqhf46pyzuxjbcn2giaqnb44",
          type: "Capture",
          processed_on: "2026-09-10T10:11:15Z",
          amount: 100,
        },
        {
          id: "act_mbabizu24mvu3mela5njyhpit4",
          type: "Authorization",
          processed_on: "2026-09-10T10:11:12Z",
          amount: 100,
        },
      ]).success,
    ).toBe(true);
    expect(
      actionAcceptedResponseSchema.safeParse({
        action_id: "act_y3oqhf46pyzuxjbcn2giaqnb44",
        _links: { payment: { href: `${host}/payments/${PAY}` } },
      }).success,
    ).toBe(true);
    expect(
      errorBodySchema.parse({
        request_id: "0HL80RJLS76I7",
        error_type: "request_invalid",
        error_codes: ["token_used"],
      }).error_codes,
    ).toEqual(["token_used"]);
  });

  it("parses a token response and rejects one without a tok_ token", () => {
    const token = {
      type: "card",
      token: "tok_ubfj2q76miwundwlk72vxt2i7q",
      expires_on: "2026-09-10T10:26:12Z",
      expiry_month: 6,
      expiry_year: 2030,
      last4: "4242",
      bin: "424242",
      scheme: "VISA",
    };
    expect(tokenResponseSchema.safeParse(token).success).toBe(true);
    expect(
      paths(tokenResponseSchema.safeParse({ ...token, token: "pay_mbabizu24mvu3mela5njyhpit4" })),
    ).toEqual(["token"]);
  });
});
