import { createHmac, randomBytes } from "node:crypto";

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of
 * the key; the signature is `v1,` + base64 of HMAC-SHA256(key, `${id}.${timestamp}.${body}`). During
 * a rotation a destination holds two secrets and every message carries both signatures, so the
 * receiver may switch whenever it likes.
 */
export class DestinationSecretError extends Error {
  override name = "DestinationSecretError";
}

const PREFIX = "whsec_";

export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) {
    throw new DestinationSecretError(
      `a destination secret starts with "${PREFIX}" (got "${secret.slice(0, 6)}…")`,
    );
  }
  const encoded = secret.slice(PREFIX.length);
  const key = Buffer.from(encoded, "base64");
  if (
    key.length < 24 ||
    key.length > 64 ||
    key.toString("base64").replace(/=+$/, "") !== encoded.replace(/=+$/, "")
  ) {
    throw new DestinationSecretError("a destination secret is whsec_ followed by 24 to 64 bytes in base64");
  }
  return key;
}

/** A new secret in the form destinations expect. */
export function newDestinationSecret(): string {
  return `${PREFIX}${randomBytes(32).toString("base64")}`;
}

/** The `webhook-signature` header: one `v1,<base64>` per secret, space-separated. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string {
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac("sha256", secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64")}`,
    )
    .join(" ");
}
