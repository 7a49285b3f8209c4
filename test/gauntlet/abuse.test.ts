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

  it("meets a session flood with limits and ends foreign events", async () => {
    // Foreign events end after 3 tries and half a second here (an hour and 8 tries by default).
    // Sessions per client: three times perClient, 120 here.
    const fresh = await startGauntletShop({
      velocity: { perCart: 5, perClient: 40, windowMs: 600_000 },
      worker: { pollMs: 50, baseBackoffMs: 50, unmatchedAfterAttempts: 3, unmatchedAfterMs: 500 },
    });
    try {
      // 100 sessions for one cart, each with another email, from one client.
      const cart = await fresh.cart([{ sku: "mug", quantity: 1 }]);
      const before = fresh.sandbox.payments.paymentSessions.size;
      const answers: Response[] = [];
      for (let i = 0; i < 100; i++)
        answers.push(
          await fetch(`${fresh.url}/api/checkout/session`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ cartId: cart, customer: { email: `flood${i}@example.com` } }),
          }),
        );
      const limited = answers.filter((a) => a.status === 429);
      const withRetryAfter = limited.filter((a) => Number(a.headers.get("retry-after")) > 0).length;
      const orderId = String(
        (await fresh.db.execute("SELECT id FROM orders WHERE cart_id = ?", [cart])).rows[0]?.id ?? "",
      );
      const calls = await fresh.count("order_events", `order_id = '${orderId}' AND kind = 'processor_call'`);
      // The same details again: the session is reused, nothing new at Checkout.com.
      const opened = fresh.sandbox.payments.paymentSessions.size;
      const reused = await fetch(`${fresh.url}/api/checkout/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cartId: cart, customer: { email: "flood18@example.com" } }),
      });
      const afterReuse = fresh.sandbox.payments.paymentSessions.size;
      // Details the flood never opened a session for: refused before anything is written.
      const newDetails = await fetch(`${fresh.url}/api/checkout/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ cartId: cart, customer: { email: "someone-else@example.com" } }),
      });

      // 103 session requests so far from this client; 20 more, each for a new cart.
      const perClient: number[] = [];
      for (let i = 0; i < 20; i++) {
        const created = (await (
          await fetch(`${fresh.url}/api/carts`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ items: [{ sku: "mug", quantity: 1 }] }),
          })
        ).json()) as { cartId: string };
        const answer = await fetch(`${fresh.url}/api/checkout/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ cartId: created.cartId }),
        });
        perClient.push(answer.status);
      }

      // Payments made elsewhere on a shared Checkout.com account: 20 events no order of ours matches.
      const foreignIds: string[] = [];
      for (let i = 0; i < 20; i++) {
        const id = `evt_${`foreign${i}`.padEnd(26, "x")}`;
        foreignIds.push(id);
        await fresh.sendWebhook(
          JSON.stringify({
            id,
            type: "payment_approved",
            created_on: new Date().toISOString(),
            data: {
              id: `pay_${`foreign${i}`.padEnd(26, "x")}`,
              reference: "POS-till-7",
              amount: 500,
              currency: "GBP",
            },
          }),
        );
      }
      const ended = async () =>
        fresh.count("webhook_events", `status = 'unmatched' AND id LIKE 'evt_foreign%'`);
      const deadline = Date.now() + 15_000;
      while ((await ended()) < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const unmatched = await ended();
      const triesBefore = Number(
        (await fresh.db.execute("SELECT SUM(attempts) AS n FROM webhook_events WHERE id LIKE 'evt_foreign%'"))
          .rows[0]?.n,
      );
      await new Promise((r) => setTimeout(r, 1000));
      const triesAfter = Number(
        (await fresh.db.execute("SELECT SUM(attempts) AS n FROM webhook_events WHERE id LIKE 'evt_foreign%'"))
          .rows[0]?.n,
      );

      ledger("abuse-floods", [
        {
          check: "100 sessions for one cart, 100 emails: answered 200",
          expected: 19,
          actual: answers.filter((a) => a.status === 200).length,
        },
        { check: "... refused with 429 and Retry-After", expected: 81, actual: withRetryAfter },
        {
          check: "... payment sessions opened at Checkout.com (the cart's limit, 20)",
          expected: 20,
          actual: opened - before + 1,
        },
        { check: "... timeline rows of Checkout.com calls", expected: 20, actual: calls },
        {
          check: "the last session's details again: reused (200), nothing new at Checkout.com",
          expected: `200/${opened}`,
          actual: `${reused.status}/${afterReuse}`,
        },
        { check: "new details once the cart's limit is met", expected: 429, actual: newDetails.status },
        {
          check: "20 more from the same client, past its 120: answered 200 / 429",
          expected: "17/3",
          actual: `${perClient.filter((x) => x === 200).length}/${perClient.filter((x) => x === 429).length}`,
        },
        { check: "20 foreign events: marked unmatched", expected: 20, actual: unmatched },
        { check: "... tried again once unmatched", expected: 0, actual: triesAfter - triesBefore },
      ]);
    } finally {
      await fresh.close();
    }
  }, 90_000);
});
