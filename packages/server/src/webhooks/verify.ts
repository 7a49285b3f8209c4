import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Checkout.com signs each webhook with `Cko-Signature`: the lowercase hex HMAC-SHA256 of the exact
 * request bytes, keyed with the webhook's *signature key* (not your secret API key). Verify the raw
 * body, before any JSON parsing: re-serialised JSON never matches.
 */
export type SignatureProblem = "missing_signature" | "malformed_signature" | "no_keys" | "signature_mismatch";

export type RawBody = Uint8Array | string;

function toBytes(body: RawBody): Buffer {
  return typeof body === "string"
    ? Buffer.from(body, "utf8")
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** Non-throwing check, for the receiver's hot path. Every key is tried (rotation), each in constant time. */
export function checkSignature(
  body: RawBody,
  header: string | undefined | null,
  keys: readonly string[],
): SignatureProblem | undefined {
  if (keys.length === 0) return "no_keys";
  if (!header) return "missing_signature";
  const signature = header.trim();
  // Hex decoding stops at the first character that is not hex, so 64 characters that decode to 32
  // bytes are all hex: the constant-time compare always sees two 32-byte values.
  const given = Buffer.from(signature, "hex");
  if (signature.length !== 64 || given.length !== 32) return "malformed_signature";
  const bytes = toBytes(body);
  let matched = false;
  for (const key of keys) {
    const expected = createHmac("sha256", key).update(bytes).digest();
    // No early exit: the time taken does not say which key, if any, matched.
    matched = timingSafeEqual(given, expected) || matched;
  }
  return matched ? undefined : "signature_mismatch";
}

export class CheckoutSignatureError extends Error {
  override name = "CheckoutSignatureError";
  constructor(
    readonly code: SignatureProblem | "body_not_raw",
    message: string,
  ) {
    super(message);
  }
}

const EXPLAIN: Record<SignatureProblem, string> = {
  missing_signature:
    "No Cko-Signature header. Is this request from Checkout.com, and does your proxy forward the header?",
  malformed_signature: "The Cko-Signature header is not a 64-character hex HMAC-SHA256.",
  no_keys:
    "No signature key configured. Use the Signature key of your Checkout.com webhook (CKO_WEBHOOK_SIGNATURE_KEY).",
  signature_mismatch:
    "No signature matches the body. Verify the raw request body exactly as received: if a JSON body parser " +
    "(express.json(), bodyParser) ran first, the bytes were re-serialised and can never match. Also check you use the " +
    "webhook's Signature key, not your secret API key.",
};

export function explainSignatureProblem(problem: SignatureProblem): string {
  return EXPLAIN[problem];
}

/**
 * Throws `CheckoutSignatureError` explaining what is wrong, or returns true.
 *
 * @example
 * app.post("/webhooks/checkoutdotcom", express.raw({ type: "application/json" }), (req, res) => {
 *   verifyCheckoutSignature(req.body, req.get("cko-signature"), process.env.CKO_WEBHOOK_SIGNATURE_KEY);
 *   const event = JSON.parse(req.body.toString("utf8"));
 * });
 */
export function verifyCheckoutSignature(
  body: RawBody,
  header: string | undefined | null,
  keys: string | readonly string[],
): true {
  if (typeof body !== "string" && !(body instanceof Uint8Array)) {
    throw new CheckoutSignatureError(
      "body_not_raw",
      "The webhook body is a parsed object, not the raw bytes. Give the verifier the Buffer or string exactly as " +
        "received: mount express.raw({ type: 'application/json' }) on the webhook route, or capture req.rawBody in " +
        "express.json({ verify }).",
    );
  }
  const problem = checkSignature(
    body,
    header,
    typeof keys === "string"
      ? keys
          .split(",")
          .map((k) => k.trim())
          .filter(Boolean)
      : keys,
  );
  if (problem) throw new CheckoutSignatureError(problem, EXPLAIN[problem]);
  return true;
}

/** Signs a payload as Checkout.com would, for merchants' own tests. Returns the headers to send. */
export function signTestWebhook(
  payload: string | object,
  signatureKey: string,
  authorizationKey?: string,
): { body: string; headers: Record<string, string> } {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cko-signature": createHmac("sha256", signatureKey).update(body).digest("hex"),
  };
  if (authorizationKey) headers.authorization = authorizationKey;
  return { body, headers };
}

/** The `Authorization` header must equal the configured key exactly; compared in constant time. */
export function checkAuthorization(header: string | undefined | null, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
