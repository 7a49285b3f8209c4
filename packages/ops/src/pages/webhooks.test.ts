import { describe, expect, it } from "vitest";
import { redact } from "./webhooks.js";

/** A Checkout.com payload as the webhook page shows it: what looks like a secret or personal data is hidden wherever it sits. */
const shown = (value: unknown) => JSON.stringify(redact(value));

describe("a webhook payload on the ops page", () => {
  it("hides what the attacker slipped into free-form fields", () => {
    const payload = {
      id: "evt_az4bqjmz5lxu3ohsfzx6xsl4iu",
      data: {
        id: "pay_mbabizu24mvu3mela5njyhpit4",
        action_id: "act_y3oqhf46pyzuxjbcn2giaqnb44",
        amount: 1450,
        currency: "GBP",
        metadata: {
          note: "key sk_sbox_lwohc4ufkplpu3nyqxvbq2wk2yq",
          pan: "4242 4242 4242 4242",
        },
        weird: "victim2@example.com",
      },
    };
    const text = shown(payload);
    for (const secret of ["sk_sbox_lwohc", "4242 4242", "victim2@example.com"])
      expect(text).not.toContain(secret);
    expect(redact(payload)).toEqual({
      ...payload,
      data: {
        ...payload.data,
        metadata: { note: "key [redacted]", pan: "[redacted]" },
        weird: "[redacted]",
      },
    });
  });

  it("hides card numbers written in any grouping, beside other digits, or as a JSON number", () => {
    for (const pan of [
      "4242424242424242",
      "4242-4242-4242-4242",
      "3782 822463 10005",
      "card 4111 1111 1111 1111 exp 12/30 cvv 123",
      "4242 4242 4242 4242 123",
      "ref:5555555555554444;",
    ])
      expect(shown({ pan }), pan).not.toMatch(/\d{4}[ -]?\d{4}[ -]?\d{4}/);
    expect(redact({ n: 4242424242424242 })).toEqual({ n: "[redacted]" });
  });

  it("keeps what is not a card number: amounts, ids, dates, last four, and digit runs that fail the Luhn check", () => {
    const plain = {
      amount: 1_000_000,
      created_on: "2026-03-01T12:34:56.789Z",
      response_code: "10000",
      last4: "4242",
      scheme_id: "4242424242424241",
      phone: { number_like: "+44 20 7946 0958" },
      arn: "74567890123456789012345",
      reference: "ord_2f7c1b9e",
    };
    expect(redact(plain)).toEqual(plain);
  });

  it("hides secret keys, webhook secrets, bearer tokens and e-mail addresses inside text and in field names", () => {
    expect(
      redact({
        live: "sk_9f2c3a1b-77de-4b1e-9a0e-1c2d3e4f5a6b",
        test: "was sk_test_0a1b2c3d4e5f6a7b and",
        hook: "whsec_bWFkZSB1cCBzZWNyZXQgZm9yIHRlc3Rz",
        header: "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        contact: "Write to Ada.Lovelace+shop@example.co.uk, please",
        "ada@example.com": true,
      }),
    ).toEqual({
      live: "[redacted]",
      test: "was [redacted] and",
      hook: "[redacted]",
      header: "Authorization: Bearer [redacted]",
      contact: "Write to [redacted], please",
      "[redacted]": true,
    });
    // Public keys and words that only contain "sk_" stay.
    expect(redact({ a: "pk_sbox_abcdef123456", b: "risk_score", c: "the bearer of" })).toEqual({
      a: "pk_sbox_abcdef123456",
      b: "risk_score",
      c: "the bearer of",
    });
  });

  it("still hides personal fields by name, whatever their value looks like", () => {
    expect(
      redact({
        source: { last4: "4242", name: "Ada", bin: "424242" },
        customer: { email: "x" },
        metadata: { password: "hunter2hunter2", api_key: "abc" },
      }),
    ).toEqual({
      source: { last4: "4242", name: "[redacted]", bin: "[redacted]" },
      customer: { email: "[redacted]" },
      metadata: { password: "[redacted]", api_key: "[redacted]" },
    });
  });

  it("takes a long payload in linear time (no pattern rescans what it has read)", () => {
    // Quadratic scanning of these takes several seconds; linear takes milliseconds.
    const long = {
      letters: "a".repeat(60_000),
      dotted: "a.".repeat(30_000),
      spaces: `bearer${" ".repeat(60_000)}x`,
      digits: "1 ".repeat(20_000),
    };
    const started = performance.now();
    redact(long);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
