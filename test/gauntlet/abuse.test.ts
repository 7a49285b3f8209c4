import { afterAll, beforeAll, describe, it } from "vitest";
import { ledger } from "./support/ledger.js";
import { type GauntletShop, OPS_PASSWORD, OPS_TOKEN, startGauntletShop } from "./support/shop.js";

/** What an abuser tries without breaking anything: card testing, holding stock, writing for free, guessing. */
let g: GauntletShop;
beforeAll(async () => {
  // 15 minutes of 3-D Secure pass in one second here (the sandbox's --time-scale).
  // The per-client limit is the second test's; here one client plays every abuser.
  g = await startGauntletShop({
    timeScale: 900,
    velocity: { perCart: 5, perClient: 1000, windowMs: 600_000 },
  });
}, 60_000);
afterAll(() => g?.close());

const DECLINE = "4544249167673670";
const CHALLENGE = "4010061700000021";

describe("abuse", () => {
  it("limits card testing, frees stock held by an unfinished challenge, caps free writes, throttles guessing", async () => {
    // Card testing: many cards against one cart.
    const cart = await g.cart([{ sku: "mug", quantity: 1 }]);
    const answers: number[] = [];
    let orderId = "";
    for (let i = 0; i < 40; i++) {
      const response = await g.confirm(cart, g.token(DECLINE));
      answers.push(response.status);
      orderId ||= ((await response.json()) as { orderId?: string }).orderId ?? "";
    }
    const reachedProcessor = [...g.sandbox.payments.payments.values()].filter(
      (p) => p.reference === orderId,
    ).length;
    const limited = answers.filter((s) => s === 429).length;

    // Holding stock: the last unit, held by a 3-D Secure nobody finishes.
    await g.db.execute(
      "INSERT INTO products (sku, name, unit_amount, currency, stock) VALUES ('held', 'Held', 900, 'GBP', 1)",
    );
    const held = await g.cart([{ sku: "held", quantity: 1 }]);
    const challenge = await g.confirm(held, g.token(CHALLENGE));
    const stockOf = async () =>
      Number((await g.db.execute("SELECT stock FROM products WHERE sku = 'held'")).rows[0]?.stock);
    const heldStock = await stockOf();
    const deadline = Date.now() + 10_000;
    while ((await stockOf()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const freedStock = await stockOf();
    const anotherBuyer = await g.cart([{ sku: "held", quantity: 1 }]);
    const bought = await g.confirm(anotherBuyer, g.token());

    // Free writes: refused webhook requests from anyone.
    const rowsBefore = await g.count("rejected_requests");
    for (let i = 0; i < 40; i++) {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${g.url}/webhooks/checkoutdotcom`, {
            method: "POST",
            body: '{"id":"evt_x","type":"payment_approved"}',
          }),
        ),
      );
    }
    const rowsWritten = (await g.count("rejected_requests")) - rowsBefore;

    // Guessing the ops API token, then the password: one budget per address for both doors.
    const api = (token: string) =>
      fetch(`${g.url}/ops/api/orders`, { headers: { authorization: `Bearer ${token}` } });
    const tokenGuesses: number[] = [];
    for (let i = 0; i < 60; i++) tokenGuesses.push((await api(`guess-${i}`)).status);
    const login = (token: string) =>
      fetch(`${g.url}/ops/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: g.url },
        body: new URLSearchParams({ name: "admin", password: token }),
        redirect: "manual",
      });
    const guesses: number[] = [];
    for (let i = 0; i < 300; i++) guesses.push((await login(`guess-${i}`)).status);
    const rightAfterGuessing = (await login(OPS_PASSWORD)).status;
    const rightTokenAfterGuessing = (await api(OPS_TOKEN)).status;

    ledger("abuse", [
      {
        check: "card testing: 40 declining cards on one cart reach the processor",
        expected: 5,
        actual: reachedProcessor,
      },
      { check: "card testing: refused with 429", expected: 35, actual: limited },
      {
        check: "challenge started (202) and holds the last unit",
        expected: "202/0",
        actual: `${challenge.status}/${heldStock}`,
      },
      { check: "stock back when Checkout.com gives up on the challenge", expected: 1, actual: freedStock },
      { check: "another shopper can then buy it", expected: 200, actual: bought.status },
      {
        check: "2,000 unsigned webhook posts: rows written (sampled, 60 a minute)",
        expected: 60,
        actual: rowsWritten,
      },
      {
        check: "60 wrong ops API tokens: refused as wrong before the lockout (429 after)",
        expected: "10/50",
        actual: `${tokenGuesses.filter((s) => s === 401).length}/${tokenGuesses.filter((s) => s === 429).length}`,
      },
      {
        check: "then 300 wrong ops passwords from the same address: refused as wrong (budget shared)",
        expected: 0,
        actual: guesses.filter((s) => s === 401).length,
      },
      { check: "the right password during the lockout", expected: 429, actual: rightAfterGuessing },
      { check: "the right API token during the lockout", expected: 429, actual: rightTokenAfterGuessing },
    ]);
  }, 120_000);

  it("limits confirms from one client across carts", async () => {
    const fresh = await startGauntletShop();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const cart = await fresh.cart([{ sku: "mug", quantity: 1 }]);
        statuses.push((await fresh.confirm(cart, fresh.token())).status);
      }
      ledger("abuse-client", [
        {
          check: "30 carts from one client: charged",
          expected: 20,
          actual: statuses.filter((s) => s === 200).length,
        },
        {
          check: "30 carts from one client: refused with 429",
          expected: 10,
          actual: statuses.filter((s) => s === 429).length,
        },
      ]);
    } finally {
      await fresh.close();
    }
  }, 60_000);
});
