import { randomBytes, randomUUID } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomString(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Checkout.com-shaped ids: `pay_` + 26 lowercase base32 characters, and so on. */
export type IdPrefix =
  | "tok"
  | "pay"
  | "act"
  | "sid"
  | "evt"
  | "src"
  | "dsp"
  | "cus"
  | "file"
  | "rpt"
  | "adj"
  | "ca"
  | "ent"
  | "cli"
  | "pc";
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(BASE32, 26)}`;
}

/** Payment sessions use 27 mixed-case alphanumerics; their secret is `pss_<uuid>`. */
export function newPaymentSessionId(): string {
  return `ps_${randomString(ALNUM, 27)}`;
}
export function newPaymentSessionSecret(): string {
  return `pss_${randomUUID()}`;
}

export function newRequestId(): string {
  return randomUUID();
}

/** NAS-format sandbox keys, so the official SDK recognises them (and adds `Bearer`). */
export function newKey(kind: "pk" | "sk"): string {
  return `${kind}_sbox_${randomString(BASE32, 27)}`;
}

export function newAuthCode(): string {
  return String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000));
}
