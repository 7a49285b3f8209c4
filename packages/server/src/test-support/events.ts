import { randomBytes } from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const id = (prefix: string) => `${prefix}_${Array.from(randomBytes(26), (b) => BASE32[b % 32]).join("")}`;

/** A fresh, well-formed webhook envelope of `type` (unique evt_ id each call). */
export function sampleEventFor(type: string, data: Record<string, unknown> = {}) {
  return {
    id: id("evt"),
    type,
    version: "1.0.29",
    created_on: new Date().toISOString(),
    data: {
      id: id("pay"),
      action_id: id("act"),
      reference: "ord_unknown",
      amount: 1000,
      currency: "GBP",
      response_code: "10000",
      metadata: { AccelerateToken: id("tok") },
      ...data,
    },
  };
}
