import { CATALOG } from "@handoff/demo-shop";
import { parseChaos } from "@handoff/sandbox";
import { SqlInventory } from "@handoff/server";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ledger, runs } from "./support/ledger.js";
import { type GauntletShop, OPS_TOKEN, startGauntletShop } from "./support/shop.js";
import { expectedOrderStatus } from "./support/truth.js";

/**
 * Webhook chaos (duplicates, reordering, delays, failed first deliveries) against the running shop:
 * once everything is delivered, every order says what Checkout.com says about its payment.
 */
let g: GauntletShop;
beforeAll(async () => {
  g = await startGauntletShop({
    velocity: { perCart: 5, perClient: 100_000, windowMs: 60_000 },
    timeScale: 600,
  });
  // Enough mugs for the full run's 200 orders: stock is not what this test is about.
  await new SqlInventory(g.db).upsertProducts(CATALOG.map((p) => ({ ...p, stock: 100_000 })));
}, 60_000);
afterAll(() => g?.close());

const CARDS = ["4242424242424242", "4544249167673670", "4000000000000101", "4539253655711767"];

describe("webhook chaos", () => {
  it("ends every order in the state the sandbox says", async () => {
    g.sandbox.setChaos(parseChaos("duplicate=0.3,reorder=0.4,delay=0-300,fail-first=0.2"), 7);
    const orders = runs(30, 200);
    const placed: string[] = [];
    for (let i = 0; i < orders; i++) {
      const cart = await g.cart([{ sku: "mug", quantity: 1 }]);
      const answer = (await (await g.confirm(cart, g.token(CARDS[i % CARDS.length]))).json()) as {
        orderId: string;
      };
      placed.push(answer.orderId);
    }
    // Some orders are refunded in part by an operator while the chaos goes on.
    await g.sandbox.idle();
    const refunds = placed.filter((_, i) => i % 8 === 0);
    for (const orderId of refunds) {
      await fetch(`${g.url}/ops/api/orders/${orderId}/refund`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ amount: 100 }),
      });
    }
    await g.sandbox.idle();
    const deadline = Date.now() + 20_000;
    let mismatches: string[] = [];
    do {
      await new Promise((r) => setTimeout(r, 250));
      mismatches = [];
      for (const orderId of placed) {
        const row = (await g.db.execute("SELECT status FROM orders WHERE id = ?", [orderId])).rows[0];
        const expected = expectedOrderStatus(g.sandbox, orderId);
        if (row?.status !== expected) mismatches.push(`${orderId}: ${row?.status} ≠ ${expected}`);
      }
    } while (mismatches.length > 0 && Date.now() < deadline);
    const duplicates = g.sandbox.webhooks.attempts.filter((a) => a.chaos === "duplicate").length;
    const applied = Number(
      (
        await g.db.execute(
          "SELECT COUNT(*) AS n FROM (SELECT order_id, json_extract(detail_json, '$.eventId') AS e, COUNT(*) AS c FROM order_events WHERE kind = 'status_changed' AND json_extract(detail_json, '$.eventId') IS NOT NULL GROUP BY order_id, e HAVING c > 1)",
        )
      ).rows[0]?.n,
    );
    ledger("chaos", [
      { check: "orders under chaos", expected: orders, actual: placed.length },
      {
        check: "duplicate deliveries made by the chaos (some)",
        expected: "yes",
        actual: duplicates > 0 ? "yes" : "no",
      },
      { check: "orders whose state differs from the sandbox's", expected: 0, actual: mismatches.length },
      { check: "events applied more than once", expected: 0, actual: applied },
    ]);
  }, 120_000);
});
