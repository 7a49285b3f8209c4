import type { FeeItem } from "@handoff/server";

/** One kind of fee on an order, once: its summed amount and the details Checkout.com gave it. */
export interface FeeType {
  breakdownType: string;
  /** The fee details that say more than the type ("Visa Interchange"); none when they only repeat it. */
  details: string[];
  /** Scaled decimal units (see settlement/decimal.ts), summed exactly. */
  amount: bigint;
}

/**
 * The fees by type, in the order they first appear. Checkout.com reports a fee per action and
 * detail, so a partial capture, a refund and their gateway fees would otherwise each repeat
 * "Gateway Fee", and a detail that only repeats its type ("Gateway Fee") says nothing.
 */
export function feesByType(items: readonly FeeItem[]): FeeType[] {
  const types = new Map<string, FeeType>();
  for (const item of items) {
    const key = item.breakdownType.trim().toLowerCase();
    const type = types.get(key) ?? { breakdownType: item.breakdownType.trim(), details: [], amount: 0n };
    type.amount += item.amount;
    const detail = item.feeDetail.trim();
    const said = [key, ...type.details.map((d) => d.toLowerCase())];
    if (detail && !said.includes(detail.toLowerCase())) type.details.push(detail);
    types.set(key, type);
  }
  return [...types.values()];
}
