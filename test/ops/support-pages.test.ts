import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import express from "express";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import { messages } from "../../packages/ops/src/messages/index.js";
import { csvCell } from "../../packages/ops/src/pages/export.js";
import { replySentence } from "../../packages/ops/src/pages/orders.js";
import { createOpsRouter } from "../../packages/ops/src/router.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { launchChromium, screenshot } from "../support/chromium.js";

/**
 * What a support person reads: sentences, disputes at the top, refunds bounded by the balance,
 * abandoned checkouts apart, a customer's orders, the CSV export; on the real store and sandbox.
 */
let h: WebhookHarness;
let server: Server;
let base: string;
const ALICE = { name: "alice", password: "correct horse battery", token: "tok_alice_0123456789abcdef" };
const api = { authorization: `Bearer ${ALICE.token}` };

beforeAll(async () => {
  h = await startWebhookHarness();
  const app = express();
  // A host app that says framing is fine: the console says otherwise for itself.
  app.use((_req, res, next) => {
    res.set("x-frame-options", "ALLOWALL");
    res.set("content-security-policy", "frame-ancestors *");
    next();
  });
  app.use(
    "/ops",
    createOpsRouter(h.handoff, {
      auth: {
        operators: [
          {
            name: ALICE.name,
            passwordHash: hashPassword(ALICE.password),
            apiTokenHash: hashToken(ALICE.token),
          },
        ],
      },
      db: h.db,
      webhooks: h.webhooks,
      outbox: h.outbox,
      abandonedAfterMs: 30 * 60_000,
    }),
  );
  server = createServer(app);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await h.close();
});

async function paidOrder(email = "shopper@example.com"): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }], { session: false });
  const session = await h.handoff.session({ cartId, customer: { email } });
  expect(session.status).toBe(200);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  await h.waitUntilQuiet();
  return (reply.body as { orderId: string }).orderId;
}

const paymentOf = (orderId: string) =>
  [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId);

async function signIn(): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: ALICE.name, password: ALICE.password }),
  });
  return /handoff_ops_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";
}

/** The page's HTML with the template's escapes undone, as the browser shows it. */
const decoded = (html: string) =>
  html
    .replace(/&#x2F;/g, "/")
    .replace(/&#x3D;/g, "=")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

async function page(
  cookie: string,
  path: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  return { status: response.status, text: decoded(await response.text()), headers: response.headers };
}

const csrfOf = (text: string) => /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? "";

async function post(cookie: string, path: string, fields: Record<string, string>) {
  return fetch(`${base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, origin: new URL(base).origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

const visible = (text: string) =>
  text
    .replace(/<details[\s\S]*?<\/details>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

describe("the console's own protections", () => {
  it("cannot be framed, whatever the host app says, and takes no banner text from the address", async () => {
    const cookie = await signIn();
    const spoofed = await page(
      cookie,
      `/?done=${encodeURIComponent("Call +44 20 0000 0000 to verify your account")}&failed=Hacked`,
    );
    expect(spoofed.status).toBe(200);
    expect(spoofed.text).not.toContain("verify your account");
    expect(spoofed.text).not.toContain("Hacked");
    expect(spoofed.headers.get("x-frame-options")).toBe("DENY");
    expect(spoofed.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const login = await fetch(`${base}/login`);
    expect(login.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("an order as support staff read it", () => {
  it("tells its story in sentences, with the technical record one click away, and pages a long timeline", async () => {
    const orderId = await paidOrder();
    const cookie = await signIn();
    const first = await page(cookie, `/orders/${orderId}`);
    const shown = visible(first.text);
    expect(shown).toContain("Payment approved by the bank");
    expect(shown).toMatch(/Checkout\.com confirmed the capture|Payment captured/);
    expect(shown).toContain("Status Paid");
    // Raw calls and codes only inside <details>.
    expect(shown).not.toMatch(/POST \/payments|answered 200|captured →|\bauthorized from webhook/);
    expect(first.text).toMatch(
      /<details class="record"><summary>Technical record<\/summary><code>POST \/payments · try 1 · HTTP 20\d · \d+ ms<\/code>/,
    );

    // A flood of entries: the page shows the newest 50 and a way to the older ones.
    const before = (await h.store.timeline(orderId)).length;
    for (let i = 0; i < 120; i++)
      await h.store.appendEvent(orderId, {
        kind: "signal_ignored",
        detail: { signal: "captured", source: "webhook", reason: `late ${i}` },
      });
    const paged = await page(cookie, `/orders/${orderId}`);
    const rows = paged.text.match(/<details class="record">/g) ?? [];
    expect(rows.length).toBe(50);
    const older = /href="[^"]*\/orders\/[^"?]+\?older=(\d+)"/.exec(paged.text)?.[1];
    expect(older).toBeDefined();
    const olderPage = await page(cookie, `/orders/${orderId}?older=${older}`);
    expect(olderPage.text.match(/<details class="record">/g)?.length).toBe(50);

    // The API pages the same way, newest first.
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const body = (await (
        await fetch(`${base}/api/orders/${orderId}${cursor ? `?timelineBefore=${cursor}` : ""}`, {
          headers: api,
        })
      ).json()) as { timeline: Array<{ id: number }>; timelineOlder?: number };
      expect(body.timeline.length).toBeLessThanOrEqual(50);
      seen.push(...body.timeline.map((e) => e.id));
      cursor = body.timelineOlder;
    } while (cursor);
    expect(seen.length).toBe(before + 120);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it("shows an open dispute at the top, reads Disputed, and warns before a refund", async () => {
    const orderId = await paidOrder("disputed@example.com");
    const payment = paymentOf(orderId);
    if (!payment) throw new Error("no payment");
    const dispute = h.sandbox.disputes.open(payment, { category: "product_service_not_received" });
    await h.waitUntilQuiet();
    const cookie = await signIn();
    const order = await page(cookie, `/orders/${orderId}`);
    const shown = visible(order.text);
    expect(shown).toContain("Status Disputed");
    expect(shown).toMatch(
      /This payment is disputed: the customer's bank is taking back £29\.00 \(the customer says the goods never arrived; reason code 10\.4\)\. Answer by /,
    );
    expect(order.text).toContain(`href="/ops/disputes/${dispute.id}"`);
    expect(order.text.indexOf("This payment is disputed")).toBeLessThan(order.text.indexOf("<h2>Items"));
    const list = visible((await page(cookie, `/?q=disputed@example.com`)).text);
    expect(list).toContain("Disputed");

    const form = await page(cookie, `/orders/${orderId}/refund`);
    expect(visible(form.text)).toContain("A refund does not end a dispute");
    const review = await post(cookie, `/orders/${orderId}/refund/review`, {
      _csrf: csrfOf(form.text),
      amount: "5.00",
      reason: "goodwill",
    });
    expect(review.status).toBe(200);
    expect(visible(decoded(await review.text()))).toContain("A refund does not end a dispute");
  });
});

describe("the inbox, disputes and the console's answers in words", () => {
  it("names webhooks, their states and what Handoff did without their codes, with the raw outcome on demand", async () => {
    const orderId = await paidOrder("inbox@example.com");
    const cookie = await signIn();
    const inbox = await page(cookie, `/webhooks?q=${orderId}`);
    const shown = visible(inbox.text);
    expect(shown).toContain("Capture went through");
    expect(shown).toContain("The order is now: Paid");
    expect(shown).toContain("Done");
    expect(shown).not.toMatch(/payment_captured|payment_approved|order now captured|Outcome/);
    expect(inbox.text).toMatch(/<summary>Technical record<\/summary><code>order now captured<\/code>/);
    // The status filter offers the same words.
    expect(inbox.text).toContain(">Waiting for its order</option>");
    const order = visible((await page(cookie, `/orders/${orderId}`)).text);
    expect(order).toContain("Capture went through");
    expect(order).toMatch(/Checkout\.com says Captured/);
    expect(order).not.toMatch(/payment_captured|payment_approved|order now/);
    // A webhook's page leads back to the inbox; a missing one says so and leads back too.
    const id = /webhooks(?:\/|&#x2F;)(evt_[a-z0-9]+)/.exec(inbox.text)?.[1];
    const one = await page(cookie, `/webhooks/${id}`);
    expect(visible(one.text)).toMatch(/Webhook: (Capture went through|Payment approved)/);
    expect(one.text).toContain('href="/ops/webhooks"');
    const missing = await page(cookie, "/webhooks/evt_nope");
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('href="/ops/webhooks"');
    // Process again, and the sweep: each comes back with a sentence.
    const replayed = await post(cookie, `/webhooks/${id}/replay`, { _csrf: csrfOf(one.text) });
    expect(replayed.status).toBe(303);
    const after = await fetch(`${base}/webhooks/${id}`, {
      headers: {
        cookie: `${cookie}; ${/handoff_ops_notice=[^;]+/.exec(replayed.headers.get("set-cookie") ?? "")?.[0]}`,
      },
    });
    expect(visible(decoded(await after.text()))).toContain("The event will be processed again.");
  });

  it("says a dispute's reason and state as sentences, and answers with a sentence when Checkout.com refuses", async () => {
    const orderId = await paidOrder("reason@example.com");
    const payment = paymentOf(orderId);
    if (!payment) throw new Error("no payment");
    const dispute = h.sandbox.disputes.open(payment, { category: "duplicate" });
    await h.waitUntilQuiet();
    const cookie = await signIn();
    const list = visible((await page(cookie, "/disputes")).text);
    expect(list).toContain("the customer says they were charged twice; reason code");
    expect(list).toContain("Waiting for your answer");
    expect(list).not.toMatch(/evidence required|evidence_required|\bduplicate\b/);
    const one = await page(cookie, `/disputes/${dispute.id}`);
    expect(one.text).toContain('href="/ops/disputes"');
    // Evidence with nothing in it: a sentence, not the API's code or message.
    const empty = new FormData();
    empty.set("_csrf", csrfOf(one.text));
    const sent = await fetch(`${base}/disputes/${dispute.id}/evidence`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: new URL(base).origin },
      body: empty,
    });
    expect(sent.status).toBe(303);
    const notice = /handoff_ops_notice=[^;]+/.exec(sent.headers.get("set-cookie") ?? "")?.[0];
    const back = visible(
      decoded(
        await (
          await fetch(`${base}/disputes/${dispute.id}`, { headers: { cookie: `${cookie}; ${notice}` } })
        ).text(),
      ),
    );
    expect(back).toContain("Nothing was sent: give at least one piece of evidence, a text or a file.");
    expect(back).not.toMatch(/INVALID_REQUEST|ACTION_NOT_ALLOWED/);
  });
});

describe("refunds and captures bounded by the balance", () => {
  it("refuses £29.01 on a £29.00 order with a sentence, before any confirmation page", async () => {
    const orderId = await paidOrder();
    const cookie = await signIn();
    const form = await page(cookie, `/orders/${orderId}/refund`);
    expect(visible(form.text)).toContain("(at most £29.00)");
    const review = await post(cookie, `/orders/${orderId}/refund/review`, {
      _csrf: csrfOf(form.text),
      amount: "29.01",
      reason: "too much",
    });
    expect(review.status).toBe(400);
    const text = visible(decoded(await review.text()));
    expect(text).toContain(
      "You can refund at most £29.00 on this order: £29.00 was captured and £0.00 already refunded. £29.01 is more.",
    );
    expect(text).not.toContain("Confirm the refund");
    // Kept what was typed, with the field marked.
    expect(text).not.toContain("refund_amount_exceeds_balance");

    // The API refuses it as well, before Checkout.com is asked.
    const overApi = await fetch(`${base}/api/orders/${orderId}/refund`, {
      method: "POST",
      headers: { ...api, "content-type": "application/json" },
      body: JSON.stringify({ amount: 2901 }),
    });
    expect(overApi.status).toBe(400);
    expect(await overApi.json()).toMatchObject({
      error: "AMOUNT_INVALID",
      available: 2900,
      message: "At most £29.00 can be refunded on this payment; £29.01 is more.",
    });
    expect(paymentOf(orderId)?.balances.total_refunded).toBe(0);

    // Within the balance: confirmation, then a banner in words.
    const ok = await post(cookie, `/orders/${orderId}/refund/review`, {
      _csrf: csrfOf(form.text),
      amount: "10",
      reason: "goodwill",
    });
    const confirm = await ok.text();
    const request = /name="request" value="([^"]+)"/.exec(confirm)?.[1] ?? "";
    const sent = await post(cookie, `/orders/${orderId}/refund`, {
      _csrf: csrfOf(form.text),
      amount: "1000",
      reason: "goodwill",
      request,
    });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/ops/orders/${orderId}`);
    const notice = /handoff_ops_notice=[^;]+/.exec(sent.headers.get("set-cookie") ?? "")?.[0] ?? "";
    const after = await page(`${cookie}; ${notice}`, `/orders/${orderId}`);
    expect(visible(after.text)).toContain(
      "The refund was sent to Checkout.com; the status changes here when it confirms.",
    );
    // A banner cookie from another session says nothing.
    const otherCookie = await signIn();
    expect(visible((await page(`${otherCookie}; ${notice}`, `/orders/${orderId}`)).text)).not.toContain(
      "The refund was sent",
    );
  });

  it("answers an action the payment no longer allows with a sentence and the way back, not a form", async () => {
    const orderId = await paidOrder();
    const cookie = await signIn();
    const capture = await page(cookie, `/orders/${orderId}/capture`);
    expect(capture.status).toBe(409);
    expect(visible(capture.text)).toContain(
      "Checkout.com does not allow a capture on this payment now. Nothing is left to capture: £29.00 was authorized and £29.00 already captured.",
    );
    expect(capture.text).toContain(`href="/ops/orders/${orderId}">Back to the order</a>`);
    expect(capture.text).not.toContain('<form class="stacked"');
    // Voiding a captured payment would not mean "nothing will be charged".
    const voided = await page(cookie, `/orders/${orderId}/void`);
    expect(voided.status).toBe(409);
    expect(visible(voided.text)).toContain("Checkout.com does not allow a void on this payment now.");
    expect(visible(voided.text)).not.toContain("nothing will be charged");
  });

  it("says what Checkout.com's refusal means instead of its code", () => {
    const words = messages("en");
    const sentence = replySentence(words, "refund", {
      status: 400,
      body: {
        error: "INVALID_REQUEST",
        issues: [{ path: "amount", message: "refund_amount_exceeds_balance" }],
      },
    });
    expect(sentence).toBe(
      "Checkout.com refused the refund: The amount is more than what is left to refund on this payment.",
    );
    expect(
      replySentence(words, "capture", {
        status: 400,
        body: { error: "INVALID_REQUEST", issues: [{ path: "amount", message: "odd_code" }] },
      }),
    ).toBe("Checkout.com refused the capture. The order's timeline has the details.");
  });
});

describe("finding and taking data out", () => {
  it("keeps abandoned checkouts out of the orders, on a page of their own", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    await h.handoff.session({ cartId, customer: { email: "left@example.com" } });
    const abandoned = await h.store.findOrderByCart(cartId);
    if (!abandoned) throw new Error("no order");
    await h.db.execute("UPDATE orders SET updated_at = ?, created_at = ? WHERE id = ?", [
      "2020-01-01T00:00:00.000Z",
      "2020-01-01T00:00:00.000Z",
      abandoned.id,
    ]);
    const fresh = await h.cart([{ sku: "mug", quantity: 1 }]);
    const inProgress = await h.store.findOrderByCart(fresh);
    const cookie = await signIn();
    const orders = await page(cookie, "/?status=pending");
    expect(orders.text).not.toContain(abandoned.id);
    expect(orders.text).toContain(inProgress?.id);
    const view = await page(cookie, "/abandoned");
    expect(view.text).toContain(abandoned.id);
    expect(view.text).not.toContain(inProgress?.id);
    const apiList = (await (await fetch(`${base}/api/orders?status=pending`, { headers: api })).json()) as {
      orders: Array<{ id: string }>;
    };
    expect(apiList.orders.map((o) => o.id)).not.toContain(abandoned.id);
  });

  it("shows one customer's orders with totals, from the order's email", async () => {
    const email = `Repeat.${Date.now()}@example.com`;
    const ids = [await paidOrder(email), await paidOrder(email.toLowerCase())];
    const cookie = await signIn();
    const order = await page(cookie, `/orders/${ids[0]}`);
    const link = new RegExp(
      `href="/ops/customers\\?email=${encodeURIComponent(email).replace(/\./g, "\\.")}"`,
    );
    expect(order.text).toMatch(link);
    const customer = visible((await page(cookie, `/customers?email=${encodeURIComponent(email)}`)).text);
    for (const id of ids) expect(customer).toContain(id);
    // GBP, 2 orders, 2 paid, £58.00 paid, nothing refunded, £58.00 kept.
    expect(customer).toContain("GBP 2 2 £58.00 £0.00 £58.00");
  });

  it("finds a customer's orders from the start of their email, in any case, and says a domain alone is not searched", async () => {
    const run = Date.now();
    const lee = await paidOrder(`Lee.${run}@Example.com`);
    const other = await paidOrder(`lee.${run}0@example.org`);
    const cookie = await signIn();
    const found = async (q: string) => {
      const text = (await page(cookie, `/?q=${encodeURIComponent(q)}`)).text;
      return { ids: [lee, other].filter((id) => text.includes(id)), text: visible(text) };
    };
    // What support staff type: the part before the @, the address up to the @, any case.
    expect((await found(`lee.${run}`)).ids).toEqual([lee, other]);
    const one = await found(`LEE.${run}@`);
    expect(one.ids).toEqual([lee]);
    expect(one.text).toContain("1 order matches.");
    expect((await found(`Lee.${run}@exam`)).ids).toEqual([lee]);
    const domain = await found("example.org");
    expect(domain.ids).toEqual([]);
    expect(domain.text).toContain("Emails are found by their beginning");
    expect(domain.text).toContain("a domain alone (@example.com) is not searched");
  });

  it("exports any filtered list as CSV, every row, read in batches, safe to open in a spreadsheet", async () => {
    const cookie = await signIn();
    // Many orders in another currency, straight into the store: more than one batch of the export.
    const now = Date.now();
    for (let i = 0; i < 1_050; i++) {
      const at = new Date(now - i * 1000).toISOString();
      await h.store.createOrder({
        id: `ord_csv_${String(i).padStart(5, "0")}`,
        cartId: `cart_csv_${i}`,
        amount: 1000 + i,
        currency: "EUR",
        lines: [],
        status: "captured",
        riskFlagged: false,
        createdAt: at,
        updatedAt: at,
      });
    }
    // A shopper's name a spreadsheet would run as a formula.
    await h.db.execute("UPDATE orders SET customer_email = ?, customer_name = ? WHERE id = ?", [
      "x@example.com",
      '=HYPERLINK("http://evil")',
      "ord_csv_00000",
    ]);
    const list = await page(cookie, "/?currency=EUR");
    // Counted up to 1,000: a year of orders is not read to say how many.
    expect(visible(list.text)).toContain("More than 1,000 orders match");
    expect(list.text).toContain('href="/ops/orders.csv?currency=EUR"');
    const response = await fetch(`${base}/orders.csv?currency=EUR`, { headers: { cookie } });
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="orders-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("order_id,created_at,status,status_text,amount,currency,email,name,country");
    expect(lines.length).toBe(1 + 1_050);
    expect(lines[1]).toMatch(
      /^"ord_csv_00000","[^"]+","captured","Paid","10\.00","EUR","x@example\.com","'=HYPERLINK\(""http:\/\/evil""\)",""$/,
    );
    expect(new Set(lines.slice(1).map((l) => l.split(",")[0])).size).toBe(1_050);
    expect(csvCell("-1+1")).toBe(`"'-1+1"`);
    expect(csvCell(-5)).toBe(`"-5"`);
    // The currency filter is a choice of the currencies orders were taken in.
    expect(list.text).toContain(
      '<select name="currency"><option value="">Any currency</option><option value="EUR" selected>EUR</option>',
    );
  });
});

describe("every page on a phone", () => {
  it("is axe-clean and no wider than 390 px: orders, an order, a disputed order, refund, customer, abandoned", async () => {
    const disputed = await paidOrder("phone@example.com");
    const payment = paymentOf(disputed);
    if (payment) h.sandbox.disputes.open(payment, {});
    await h.waitUntilQuiet();
    const browser = await launchChromium();
    try {
      // axe is injected as a script: this context alone ignores the CSP, to let it in.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
      const tab = await context.newPage();
      await tab.goto(`${base}/login`);
      await tab.getByLabel("Name").fill(ALICE.name);
      await tab.getByLabel("Password").fill(ALICE.password);
      await tab.getByRole("button", { name: "Sign in" }).click();
      await tab.waitForURL(/\/ops\/$/);
      const problems: string[] = [];
      const check = async (p: Page, name: string) => {
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) problems.push(`${name}: ${overflow}px wider than the screen`);
        await p.addScriptTag({
          path: resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"),
        });
        const violations = await p.evaluate(async () => {
          const axe = (
            window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string }> }> } }
          ).axe;
          return (await axe.run()).violations.map((v) => v.id);
        });
        for (const v of violations) problems.push(`${name}: ${v}`);
        await screenshot(p, `ops-390-${name}`);
      };
      for (const [name, path] of [
        ["orders", "/"],
        ["disputed-order", `/orders/${disputed}`],
        ["refund-disputed", `/orders/${disputed}/refund`],
        ["customer", "/customers?email=phone%40example.com"],
        ["abandoned", "/abandoned"],
        ["review", "/review"],
        ["webhooks", "/webhooks"],
        ["disputes", "/disputes"],
        ["destinations", "/destinations"],
        ["reconciliation", "/reconciliation"],
        ["rejected", "/rejected"],
      ] as const) {
        await tab.goto(`${base}${path}`);
        await check(tab, name);
      }
      // An order id in the list stays on one line.
      await tab.goto(`${base}/`);
      await tab.screenshot({
        path: resolve(import.meta.dirname, "../../test-results/screenshots/ops-390-orders-first-screen.png"),
      });
      const idHeight = await tab
        .locator("tbody code.id")
        .first()
        .evaluate((e) => e.getBoundingClientRect().height);
      const lineHeight = await tab
        .locator("tbody code.id")
        .first()
        .evaluate((e) => Number.parseFloat(getComputedStyle(e).lineHeight) || 20);
      expect(idHeight).toBeLessThan(lineHeight * 1.5);
      // Each order's status is on the screen, not in a column scrolled off to the right.
      const status = await tab.locator("tbody td", { hasText: "Disputed" }).first().boundingBox();
      expect((status?.x ?? 999) + (status?.width ?? 0)).toBeLessThanOrEqual(390);
      // The refund form refuses more than the balance with a sentence, in the browser too.
      await tab.goto(`${base}/orders/${disputed}/refund`);
      await tab.getByLabel(/Amount in GBP/).fill("29.01");
      await tab.getByLabel(/Reason/).fill("test");
      await tab.getByRole("button", { name: "Review refund" }).click();
      await expect(
        tab.getByRole("alert").filter({ hasText: "at most £29.00" }).textContent(),
      ).resolves.toContain("£29.01 is more");
      await check(tab, "refund-refused");
      await context.close();
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000); // twelve pages, each checked by axe, on a machine shared with other work
});
