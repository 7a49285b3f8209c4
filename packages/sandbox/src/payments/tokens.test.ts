import { describe, expect, it } from "vitest";
import type { SandboxToken } from "./model.js";
import { createToken } from "./tokens.js";

const now = Date.parse("2026-12-04T12:00:00Z");
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");
const card = (dpan = "4242424242424242") => b64({ dpan, expiry_month: 12, expiry_year: 2029 });
const applepay = (data = card()) => ({
  type: "applepay",
  token_data: {
    version: "EC_v1",
    data,
    signature: b64("sig"),
    header: { ephemeralPublicKey: b64("k"), publicKeyHash: b64("h"), transactionId: "ab12" },
  },
});
const googlepay = (encryptedMessage = card()) => ({
  type: "googlepay",
  token_data: {
    signature: b64("sig"),
    protocolVersion: "ECv2",
    signedMessage: JSON.stringify({ encryptedMessage, ephemeralPublicKey: b64("k"), tag: b64("t") }),
  },
});

describe("POST /tokens with wallet token data", () => {
  it.each([
    ["applepay", applepay()],
    ["googlepay", googlepay()],
  ])("exchanges %s token data for a Checkout.com token that remembers its wallet", (type, body) => {
    const tokens = new Map<string, SandboxToken>();
    const result = createToken(tokens, body, now);
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      type,
      token: expect.stringMatching(/^tok_\w{26}$/),
      expires_on: "2026-12-04T12:15:00.000Z",
      expiry_month: 12,
      expiry_year: 2029,
      last4: "4242",
      bin: "424242",
    });
    const token = tokens.get((result.body as { token: string }).token);
    expect(token?.card.wallet).toBe(type);
  });

  it.each([
    ["no token_data", { type: "applepay" }],
    [
      "an Apple Pay header without its transaction id",
      { type: "applepay", token_data: { ...applepay().token_data, header: {} } },
    ],
    ["data that is not the test wallet's", applepay("not-base64-json")],
    [
      "a Google Pay message that is not JSON",
      { type: "googlepay", token_data: { ...googlepay().token_data, signedMessage: "{" } },
    ],
    [
      "an unknown protocol version",
      { type: "googlepay", token_data: { ...googlepay().token_data, protocolVersion: "ECv9" } },
    ],
  ])("refuses %s with 422 token_data_invalid", (_name, body) => {
    const result = createToken(new Map(), body, now);
    expect(result).toMatchObject({ status: 422, body: { error_codes: ["token_data_invalid"] } });
  });

  it("checks the card inside as it checks any card", () => {
    const expired = b64({ dpan: "4242424242424242", expiry_month: 1, expiry_year: 2020 });
    expect(createToken(new Map(), applepay(expired), now)).toMatchObject({
      status: 422,
      body: { error_codes: ["card_expired"] },
    });
  });
});
