/**
 * The same verification on WebCrypto, for runtimes without `node:crypto` or `Buffer` (Cloudflare
 * Workers, Vercel Edge, Deno). Async, because `crypto.subtle` is.
 */
import type { SignatureProblem } from "./verify.js";

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const encoder = new TextEncoder();

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(hex.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export async function checkSignatureWeb(
  body: Uint8Array | string,
  header: string | null | undefined,
  keys: readonly string[],
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<SignatureProblem | undefined> {
  if (keys.length === 0) return "no_keys";
  if (!header) return "missing_signature";
  const signature = header.trim();
  if (!HEX_SHA256.test(signature)) return "malformed_signature";
  // WebCrypto wants an ArrayBuffer-backed view; copy a view over shared memory.
  const bytes = typeof body === "string" ? encoder.encode(body) : new Uint8Array(body);
  const given = hexToBytes(signature);
  let matched = false;
  for (const key of keys) {
    const hmacKey = await subtle.importKey(
      "raw",
      encoder.encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    // subtle.verify compares in constant time.
    matched = (await subtle.verify("HMAC", hmacKey, given, bytes)) || matched;
  }
  return matched ? undefined : "signature_mismatch";
}
