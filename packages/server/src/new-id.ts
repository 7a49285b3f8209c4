import { randomBytes } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** `ord_…`, `att_…`, `cart_…`, `msg_…` (outbox events): 26 random base32 characters, like Checkout.com's own ids. */
export function newId(prefix: "ord" | "att" | "cart" | "msg"): string {
  let out = "";
  for (const byte of randomBytes(26)) out += BASE32[byte % 32];
  return `${prefix}_${out}`;
}
