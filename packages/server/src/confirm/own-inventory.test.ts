import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HandoffDeps } from "../deps.js";
import type { Inventory } from "../inventory/port.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { confirm } from "./use-case.js";

/**
 * A merchant with their own stock system implements only the four Inventory calls: no shared
 * transactions. Here those calls are backed by real SQL stock, so what we check is real.
 */
let h: Harness;
let deps: HandoffDeps;
const calls: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  const sql = h.inventory;
  const own: Inventory = {
    priceCart: (cartId) => sql.priceCart(cartId),
    reserve: (orderId, lines) => {
      calls.push("reserve");
      return sql.reserve(orderId, lines);
    },
    commit: (orderId) => {
      calls.push("commit");
      return sql.commit(orderId);
    },
    release: (orderId) => {
      calls.push("release");
      return sql.release(orderId);
    },
  };
  deps = { ...h.deps, inventory: own };
});
afterAll(() => h.close());

const stockOf = async (sku: string) => (await h.inventory.listProducts()).find((p) => p.sku === sku)?.stock;

describe("confirm with the merchant's own inventory (the port, no shared transactions)", () => {
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
    await h.inventory.upsertProducts([
      { sku: "solo", name: "One-off", unitAmount: 500, currency: "GBP", stock: 1 },
    ]);
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
