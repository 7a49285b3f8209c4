import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HandoffDeps } from "../deps.js";
import type { Inventory } from "../inventory/port.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { confirm } from "./use-case.js";

/**
 * A merchant with their own stock system implements only the four Inventory calls and ignores the
 * store's transaction. Here that system is a small stock book in memory with the port's rules
 * (all lines or none, a repeat holds nothing more); prices still come from the demo catalogue.
 */
let h: Harness;
let deps: HandoffDeps;
const calls: string[] = [];
const shelf = new Map<string, number>([
  ["poster", 10],
  ["solo", 2],
]);
const held = new Map<string, { sku: string; quantity: number }[]>();

beforeAll(async () => {
  h = await startHarness();
  const own: Inventory = {
    priceCart: (cartId) => h.inventory.priceCart(cartId),
    reserve: async (orderId, lines) => {
      calls.push("reserve");
      if (held.has(orderId)) return { ok: true };
      const short = lines
        .map((l) => ({ sku: l.sku, name: l.name, requested: l.quantity, available: shelf.get(l.sku) ?? 0 }))
        .filter((l) => l.available < l.requested);
      if (short.length > 0) return { ok: false, lines: short };
      for (const l of lines) shelf.set(l.sku, (shelf.get(l.sku) ?? 0) - l.quantity);
      held.set(orderId, lines);
      return { ok: true };
    },
    commit: async (orderId) => {
      calls.push("commit");
      held.delete(orderId);
    },
    release: async (orderId) => {
      calls.push("release");
      for (const l of held.get(orderId) ?? []) shelf.set(l.sku, (shelf.get(l.sku) ?? 0) + l.quantity);
      held.delete(orderId);
    },
  };
  deps = { ...h.deps, inventory: own };
});
afterAll(() => h.close());

const stockOf = async (sku: string) => shelf.get(sku);

describe("confirm with the merchant's own inventory (the port, outside the store's database)", () => {
  it("holds stock before charging and commits it once paid", async () => {
    calls.length = 0;
    const before = await stockOf("poster");
    const cartId = await h.cart([{ sku: "poster", quantity: 2 }]);
    const reply = await confirm({ cartId, processorToken: await h.token() }, deps);
    expect(reply.status).toBe(200);
    expect(calls).toEqual(["reserve", "commit"]);
    expect(await stockOf("poster")).toBe((before ?? 0) - 2);
    const kinds = (await h.store.timeline((reply.body as { orderId: string }).orderId)).map((e) => e.kind);
    expect(kinds).toContain("stock_reserved");
  });

  it("puts the stock back after a decline", async () => {
    calls.length = 0;
    const before = await stockOf("poster");
    const cartId = await h.cart([{ sku: "poster", quantity: 1 }]);
    expect((await confirm({ cartId, processorToken: await h.token("4544249167673670") }, deps)).status).toBe(
      402,
    );
    expect(calls).toEqual(["reserve", "release"]);
    expect(await stockOf("poster")).toBe(before);
  });

  it("refuses a cart it cannot stock, charges nothing, and leaves the order open for another try", async () => {
    await h.inventory.upsertProducts([
      { sku: "solo", name: "One-off", unitAmount: 500, currency: "GBP", stock: 2 },
    ]);
    const cartId = await h.cart([{ sku: "solo", quantity: 2 }]);
    // Someone else bought one between the cart and the payment.
    shelf.set("solo", 1);
    const reply = await confirm({ cartId, processorToken: await h.token() }, deps);
    expect(reply).toMatchObject({
      status: 409,
      body: { error: "OUT_OF_STOCK", lines: [{ sku: "solo", name: "One-off", requested: 2, available: 1 }] },
    });
    const orderId = (reply.body as { orderId: string }).orderId;
    expect(await h.chargesFor(orderId)).toBe(0);
    // The refused attempt is closed, so the shopper can fix the cart and pay.
    await h.inventory.setCartItems(cartId, [{ sku: "solo", quantity: 1 }]);
    await h.handoff.session({ cartId });
    expect((await confirm({ cartId, processorToken: await h.token() }, deps)).status).toBe(200);
  });
});
