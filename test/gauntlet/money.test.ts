import type { FaultRoute } from "@handoff/sandbox";
import { afterAll, beforeAll, describe, it } from "vitest";
import { ledger, runs } from "./support/ledger.js";
import { type GauntletShop, OPS_TOKEN, startGauntletShop } from "./support/shop.js";

/**
 * Money races against the real shop, counted at the sandbox (the charge ledger) and in the shop
 * (the order ledger): the last unit bought by many at once, one token confirmed many times at once,
 * one cart paid with several cards at once, an operator's refund clicked many times at once. Every
 * processor route answers slowly, and unevenly, while they run.
 */
let g: GauntletShop;
beforeAll(async () => {
  // One test client plays every shopper here: the per-client card-testing limit is the abuse section's.
  g = await startGauntletShop({ velocity: { perCart: 5, perClient: 100_000, windowMs: 60_000 } });
}, 60_000);
afterAll(() => g?.close());

const approvedFor = (orderId: string) =>
  [...g.sandbox.payments.payments.values()].filter((p) => p.reference === orderId && p.approved).length;

const SLOW_ROUTES: FaultRoute[] = ["payments", "get-payment", "captures", "refunds", "voids"];
/**
 * The next requests to each processor route answer late, unevenly (slow, quick, in between), so
 * requests racing each other get their answers out of order. Well inside the shop's timeout: these
 * are slow answers, not lost ones.
 */
async function slowProcessorRoutes(): Promise<void> {
  for (const route of SLOW_ROUTES) {
    for (const [delayMs, count] of [
      [300, 4],
      [20, 4],
      [150, 6],
    ]) {
      const added = await fetch(`${g.sandbox.url}/_sandbox/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ route, delayMs, count }),
      });
      if (added.status !== 201) throw new Error(`fault on ${route} refused: ${added.status}`);
    }
  }
}

const operator = (
  orderId: string,
  action: "capture" | "refund" | "void",
  body: Record<string, unknown> = {},
) =>
  fetch(`${g.url}/ops/api/orders/${orderId}/${action}`, {
    method: "POST",
    headers: { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("money races", () => {
  it("never charges twice and never oversells, whatever races", async () => {
    const rounds = runs(3, 20);
    let lastUnitWinners = 0;
    let oversold = 0;
    let doubleCharged = 0;
    let tokenRaceCharges = 0;
    let manyCardCharges = 0;
    let stockNegative = 0;
    let refundedOnce = 0;
    for (let round = 0; round < rounds; round++) {
      await slowProcessorRoutes();
      const sku = `race-${round}`;
      await g.db.execute(
        "INSERT INTO products (sku, name, unit_amount, currency, stock) VALUES (?, 'Last unit', 5000, 'GBP', 1)",
        [sku],
      );
      // Ten shoppers, ten carts, one unit.
      const carts = await Promise.all(Array.from({ length: 10 }, () => g.cart([{ sku, quantity: 1 }])));
      const answers = await Promise.all(carts.map((cart) => g.confirm(cart, g.token())));
      const bodies = (await Promise.all(answers.map((a) => a.json()))) as Array<{
        status?: string;
        orderId?: string;
      }>;
      const winners = bodies.filter((b) => b.status === "approved");
      lastUnitWinners += winners.length === 1 ? 1 : 0;
      const stock = Number(
        (await g.db.execute("SELECT stock FROM products WHERE sku = ?", [sku])).rows[0]?.stock,
      );
      if (stock < 0) stockNegative++;
      const sold = Number(
        (
          await g.db.execute(
            "SELECT COUNT(*) AS n FROM stock_reservations WHERE sku = ? AND state = 'committed'",
            [sku],
          )
        ).rows[0]?.n,
      );
      if (sold > 1) oversold++;
      for (const b of bodies) if (b.orderId && approvedFor(b.orderId) > 1) doubleCharged++;

      // One token, confirmed ten times at once (double clicks, retries, two tabs).
      const cart = await g.cart([{ sku: "mug", quantity: 1 }]);
      const token = g.token();
      const same = await Promise.all(Array.from({ length: 10 }, () => g.confirm(cart, token)));
      const firstAnswer = (await same[0]?.json()) as { orderId?: string } | undefined;
      const orderId = firstAnswer?.orderId ?? "";
      tokenRaceCharges += approvedFor(orderId);

      // One cart, five cards at once.
      const shared = await g.cart([{ sku: "tote", quantity: 1 }]);
      const many = await Promise.all(Array.from({ length: 5 }, () => g.confirm(shared, g.token())));
      const ids = (await Promise.all(many.map((m) => m.json()))) as Array<{ orderId?: string }>;
      const sharedOrder = ids.find((i) => i.orderId)?.orderId ?? "";
      manyCardCharges += approvedFor(sharedOrder);

      // The operator refunds the captured one-token order, clicking five times, with a void and a capture
      // clicked meanwhile (both too late): the money goes back once.
      await g.sandbox.idle();
      await Promise.all([
        ...Array.from({ length: 5 }, () => operator(orderId, "refund", { full: true })),
        operator(orderId, "void"),
        operator(orderId, "capture", { full: true }),
      ]);
      const paid = [...g.sandbox.payments.payments.values()].find(
        (p) => p.reference === orderId && p.approved,
      );
      const count = (type: string) => paid?.actions.filter((a) => a.type === type && a.approved).length;
      const once = count("Refund") === 1 && count("Void") === 0 && count("Capture") === 1;
      if (once && paid?.balances.total_refunded === paid?.amount) refundedOnce++;
    }
    await g.sandbox.idle();
    ledger("money", [
      { check: "rounds", info: rounds },
      { check: "last unit: rounds with exactly one buyer", expected: rounds, actual: lastUnitWinners },
      { check: "last unit: rounds oversold", expected: 0, actual: oversold },
      { check: "stock below zero", expected: 0, actual: stockNegative },
      { check: "orders charged more than once", expected: 0, actual: doubleCharged },
      { check: "one token ×10 at once: charges", expected: rounds, actual: tokenRaceCharges },
      { check: "one cart, 5 cards at once: charges", expected: rounds, actual: manyCardCharges },
      {
        check: "refund ×5, void, capture at once: refunded once",
        expected: rounds,
        actual: refundedOnce,
      },
    ]);
  }, 240_000);
});
