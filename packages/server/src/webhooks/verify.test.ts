import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CheckoutSignatureError,
  checkAuthorization,
  checkSignature,
  signTestWebhook,
  verifyCheckoutSignature,
} from "./verify.js";
import { checkSignatureWeb } from "./verify-web.js";

const body = JSON.stringify({
  id: "evt_caxmnvuvbe4elkbdx2imwbnjxu",
  type: "payment_approved",
  data: { amount: 100 },
});

describe("Cko-Signature verification", () => {
  it("accepts what signTestWebhook signs, as bytes or as a string", () => {
    const { headers } = signTestWebhook(body, "whsec_1");
    expect(checkSignature(Buffer.from(body), headers["cko-signature"], ["whsec_1"])).toBeUndefined();
    expect(verifyCheckoutSignature(body, headers["cko-signature"], "whsec_1")).toBe(true);
  });

  it("accepts any configured key, so keys can rotate", () => {
    const { headers } = signTestWebhook(body, "whsec_new");
    expect(checkSignature(body, headers["cko-signature"], ["whsec_old", "whsec_new"])).toBeUndefined();
    expect(verifyCheckoutSignature(body, headers["cko-signature"], "whsec_old, whsec_new")).toBe(true);
  });

  it("names each failure", () => {
    const { headers } = signTestWebhook(body, "whsec_1");
    expect(checkSignature(body, headers["cko-signature"], ["whsec_2"])).toBe("signature_mismatch");
    expect(checkSignature(body, undefined, ["whsec_1"])).toBe("missing_signature");
    expect(checkSignature(body, "abc", ["whsec_1"])).toBe("malformed_signature");
    expect(checkSignature(body, `${headers["cko-signature"]}00`, ["whsec_1"])).toBe("malformed_signature");
    // 64 characters, one of them not hex: in the middle, or last.
    const signature = headers["cko-signature"] as string;
    expect(checkSignature(body, `${signature.slice(0, 30)}zz${signature.slice(32)}`, ["whsec_1"])).toBe(
      "malformed_signature",
    );
    expect(checkSignature(body, `${signature.slice(0, 63)}g`, ["whsec_1"])).toBe("malformed_signature");
    expect(checkSignature(body, signature.toUpperCase(), ["whsec_1"])).toBeUndefined();
    expect(checkSignature(body, headers["cko-signature"], [])).toBe("no_keys");
  });

  it("tells a developer the body was re-serialised when a parser ran first", () => {
    const { headers } = signTestWebhook(body, "whsec_1");
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect(() => verifyCheckoutSignature(reserialised, headers["cko-signature"], "whsec_1")).toThrow(
      /raw request body/,
    );
    expect(() => verifyCheckoutSignature(JSON.parse(body), headers["cko-signature"], "whsec_1")).toThrow(
      expect.objectContaining({ code: "body_not_raw" }),
    );
    expect(() => verifyCheckoutSignature(body, headers["cko-signature"], "whsec_2")).toThrow(
      CheckoutSignatureError,
    );
  });

  it("compares Authorization exactly", () => {
    expect(checkAuthorization("secret-1", "secret-1")).toBe(true);
    expect(checkAuthorization("Bearer secret-1", "secret-1")).toBe(false);
    expect(checkAuthorization(undefined, "secret-1")).toBe(false);
    expect(checkAuthorization(undefined, undefined)).toBe(true);
  });

  it("gives the same verdict with WebCrypto as with node:crypto, for any body and key", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string({ minLength: 1 }), fc.boolean(), async (text, key, tamper) => {
        const signed = signTestWebhook(text, key).headers["cko-signature"] ?? "";
        const sent = tamper ? `${text}x` : text;
        expect(await checkSignatureWeb(sent, signed, [key])).toBe(checkSignature(sent, signed, [key]));
      }),
      { numRuns: 50 },
    );
  });
});
