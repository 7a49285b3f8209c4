import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type RunningShop, startShop } from "@handoff/demo-shop";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { loadConfig, signTestWebhook } from "@handoff/server";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "../../packages/server/src/test-support/receiver.js";
import { clickPay, collectPageErrors, launchChromium, screenshot } from "../support/chromium.js";

/** The demo as a newcomer meets it: sandbox + shop + SQLite, bought through in a real browser. */
const OPS_TOKEN = "ops-token-for-tests";
const OPS_PASSWORD = "ops-password-for-tests";
let sandbox: Sandbox;
let shop: RunningShop;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  const root = resolve(import.meta.dirname, "../..");
  await Promise.all([
    build({
      root: resolve(root, "packages/elements"),
      configFile: resolve(root, "packages/elements/vite.config.ts"),
      logLevel: "silent",
    }),
    build({
      root: resolve(root, "demos/react-shop"),
      configFile: resolve(root, "demos/react-shop/vite.config.ts"),
      logLevel: "silent",
    }),
  ]);
  dir = await mkdtemp(join(tmpdir(), "handoff-shop-"));
  sandbox = createSandbox({ captureDelayMs: 300 });
  await sandbox.listen();
  const config = loadConfig(
    { CKO_API_URL: sandbox.url, DATABASE_URL: `file:${join(dir, "shop.db")}` },
    sandbox.keys,
  );
  shop = await startShop({
    config,
    opsToken: OPS_TOKEN,
    opsPassword: OPS_PASSWORD,
    port: 0,
    logLevel: "silent",
    // Destinations give up after two quick retries here, so a dead letter shows within the test.
    outbox: { retryScheduleMs: [50, 50], pollMs: 50 },
  });
  sandbox.webhookUrls = [`${shop.url}/webhooks/checkoutdotcom`];
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Who pays: the demo asks for an email and a billing country before it shows the card form. */
async function giveDetails(page: Page) {
  if ((await page.locator("form#details").count()) === 0) return;
  await page.getByLabel("Email for your receipt").fill("shopper@example.com");
  await page.getByLabel("Billing country").selectOption("GB");
  await page.getByRole("button", { name: "Continue to payment" }).click();
}

async function payWith(page: Page, number: string) {
  await giveDetails(page);
  const frame = page.frameLocator("iframe[name=cko-card-frame]");
  await frame.getByLabel("Card number").fill(number);
  await frame.getByLabel("Expiry date (MM / YY)").fill("12 / 34");
  await frame.getByLabel("Security code").fill("123");
  await clickPay(page);
}

async function buyFromCatalog(page: Page, sku = "mug", quantity = "2") {
  await page.goto(`${shop.url}/`);
  await page.getByLabel(new RegExp(sku === "mug" ? "Enamel camp mug" : "Heavy canvas tote")).fill(quantity);
  await page.getByRole("button", { name: "Go to checkout" }).click();
  await page.waitForURL(/\/checkout\?cart=cart_/);
}

const orderStatus = (page: Page) => page.locator("#order-status");

/** Signs in to the ops console as the demo's operator. */
async function signIn(page: Page) {
  await page.goto(`${shop.url}/ops/login`);
  await page.getByLabel("Name").fill("admin");
  await page.getByLabel("Password").fill(OPS_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/ops\/$/);
}

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** Axe over the whole page, with the widget in it. axe comes in as a script, so the context bypasses the CSP. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js") });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> };
      }
    ).axe;
    return (await axe.run()).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/** How far the page spills past the screen sideways (0 when nothing does). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The items table as a shopper reads it, one row a line, cells separated by " | ", once it shows. */
const cartRowsOf = async (page: Page) => {
  await page.locator("table.items").waitFor();
  return page
    .locator("table.items tr")
    .evaluateAll((rows) =>
      rows.map((r) => [...r.children].map((cell) => cell.textContent?.trim()).join(" | ")),
    );
};

const cardFrame = (page: Page) => page.frameLocator("iframe[name=cko-card-frame]");

async function fillCardAndPay(page: Page, number: string) {
  await cardFrame(page).getByLabel("Card number").fill(number);
  await cardFrame(page).getByLabel("Expiry date (MM / YY)").fill("12 / 34");
  await cardFrame(page).getByLabel("Security code").fill("123");
  await clickPay(page);
}

describe("the demo shop in Chromium", () => {
  it("sells with 4242 from the script-tag page, and the order page turns captured when the webhook lands", async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${shop.url}/`);
    await screenshot(page, "shop-catalog");
    await buyFromCatalog(page);
    expect(await page.textContent("main")).toContain("£29.00");
    await screenshot(page, "shop-checkout");
    await payWith(page, "4242 4242 4242 4242");
    await page.waitForURL(/\/orders\/ord_/);
    // Only payment_captured, a webhook, moves the order to captured.
    await page.waitForSelector('#order-status[data-status="captured"]', { timeout: 15_000 });
    await expect(orderStatus(page).textContent()).resolves.toBe("Paid");
    await screenshot(page, "shop-order-paid");
    // Back to the checkout after paying: it says the cart is paid and leads to the order, no second payment.
    const orderUrl = page.url();
    await page.goBack();
    await page.waitForURL(/\/checkout\?cart=cart_/);
    await expect(page.getByRole("status").textContent()).resolves.toContain(
      "You have already paid for this cart.",
    );
    await expect(page.getByRole("button", { name: "Continue to payment" }).count()).resolves.toBe(0);
    // The paid cart no longer changes: the API refuses, the edit page leads back here, which still
    // shows what was paid for.
    const cartId = new URL(page.url()).searchParams.get("cart") ?? "";
    const edited = await fetch(`${shop.url}/api/carts/${cartId}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ sku: "mug", quantity: 5 }] }),
    });
    expect(edited.status).toBe(409);
    expect(await edited.json()).toMatchObject({ error: "ORDER_COMPLETED" });
    await page.goto(`${shop.url}/cart?cart=${cartId}`);
    await page.waitForURL(/\/checkout\?cart=cart_/);
    expect(await page.textContent("main")).toContain("£29.00");
    await page.getByRole("link", { name: "See your order" }).click();
    await page.waitForURL(orderUrl);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("keeps the order page following the order after payment: a refund days later shows without a reload", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await buyFromCatalog(page, "tote", "1");
    await payWith(page, "4242 4242 4242 4242");
    await page.waitForURL(/\/orders\/ord_/);
    await page.waitForSelector('#order-status[data-status="captured"]', { timeout: 15_000 });
    const orderId = await orderStatus(page).getAttribute("data-order-id");
    const refund = await fetch(`${shop.url}/ops/api/orders/${orderId}/refund`, {
      method: "POST",
      headers: { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ full: true }),
    });
    expect(refund.status).toBe(202);
    await page.waitForSelector('#order-status[data-status="refunded"]', { timeout: 15_000 });
    await expect(orderStatus(page).textContent()).resolves.toBe("Refunded");
    await page.close();
  });

  it("refuses more than is in stock when the cart is made, naming the product, and lets the shopper edit it", async () => {
    const api = await fetch(`${shop.url}/api/carts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: [{ sku: "poster", quantity: 60 }] }),
    });
    expect(api.status).toBe(409);
    expect(await api.json()).toMatchObject({
      error: "OUT_OF_STOCK",
      lines: [{ sku: "poster", requested: 60, available: expect.any(Number) }],
    });
    const merged = await fetch(`${shop.url}/api/carts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: Array.from({ length: 50 }, () => ({ sku: "mug", quantity: 99 })) }),
    });
    expect(merged.status).toBe(400);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = collectPageErrors(page);
    await page.goto(`${shop.url}/`);
    await page.getByLabel(/Risograph city poster/).fill("60");
    await page.getByRole("button", { name: "Go to checkout" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(
      /Not enough in stock: Risograph city poster/,
    );
    await screenshot(page, "shop-cart-out-of-stock-390");
    await page.getByLabel(/Risograph city poster/).fill("2");
    await page.getByRole("button", { name: "Go to checkout" }).click();
    await page.waitForURL(/\/checkout\?cart=cart_/);
    await page.getByRole("link", { name: "Edit cart" }).click();
    await page.getByLabel(/Risograph city poster/).fill("1");
    await page.getByRole("button", { name: "Update cart and check out" }).click();
    await page.waitForURL(/\/checkout\?cart=cart_/);
    await giveDetails(page);
    await page.locator("handoff-checkout").getByRole("button", { name: "Pay £22.00" }).waitFor();
    // The refused cart form is answered 409 on purpose; Chromium logs any 4xx document as an error.
    const unexpected = errors.filter((e) => !/status of 409/.test(e));
    expect(unexpected, unexpected.join("\n")).toEqual([]);
    await page.close();
  });

  it("sells from the React page too", async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${shop.url}/react/`);
    await page.getByLabel(/Heavy canvas tote/).fill("1");
    await page.getByRole("button", { name: "Go to checkout" }).click();
    await screenshot(page, "react-shop-checkout");
    await payWith(page, "4242 4242 4242 4242");
    await page.waitForURL(/\/orders\/ord_/);
    await page.waitForSelector('#order-status[data-status="captured"]', { timeout: 15_000 });
    expect(errors.filter((e) => !/React DevTools/.test(e))).toEqual([]);
    await page.close();
  });

  it("shows a declined card's message and keeps the shopper on the checkout", async () => {
    const page = await browser.newPage();
    await buyFromCatalog(page, "tote", "1");
    await payWith(page, "4544 2491 6767 3670");
    // Wait for the words to appear: right after the click the message still says "Processing…".
    await page.locator("handoff-checkout .message", { hasText: /insufficient funds/ }).waitFor();
    await screenshot(page, "shop-declined");
    expect(page.url()).toMatch(/\/checkout\?cart=/);
    await page.close();
  });

  it("completes the 3-D Secure challenge and lands on the paid order", async () => {
    const page = await browser.newPage();
    await buyFromCatalog(page, "mug", "1");
    await payWith(page, "4010 0617 0000 0021");
    await page.waitForURL(/\/3ds\/sid_/);
    await page.getByLabel("Password").fill("Checkout1!");
    await page.locator("#txtButton").click();
    await page.waitForURL(/\/orders\/ord_/);
    await page.waitForSelector('#order-status[data-status="captured"]', { timeout: 15_000 });
    await page.close();
  });

  it("lets an operator sign in and see an order's timeline and a rejected webhook", async () => {
    const bad = signTestWebhook(
      { id: "evt_aaaaaaaaaaaaaaaaaaaaaaaaaa", type: "payment_approved", data: {} },
      "not-the-key",
    );
    expect(
      (
        await fetch(`${shop.url}/webhooks/checkoutdotcom`, {
          method: "POST",
          body: bad.body,
          headers: bad.headers,
        })
      ).status,
    ).toBe(401);

    const page = await browser.newPage();
    await page.goto(`${shop.url}/ops`);
    await page.waitForURL(/\/ops\/login/);
    await signIn(page);
    await screenshot(page, "ops-orders");
    await page.locator("table a").first().click();
    await page.waitForURL(/\/ops\/orders\/ord_/);
    const timeline = await page.textContent("main");
    // Read like a payment page: major units, the card, a timeline in words.
    expect(timeline).toMatch(/£\d+\.\d\d/);
    expect(timeline).toMatch(/Visa ···· \d{4}/);
    expect(timeline).toMatch(/Handoff sent the card payment to Checkout\.com/);
    expect(timeline).toMatch(/Checkout\.com reported that the capture went through/);
    // The technical record, one click away.
    expect(timeline).toMatch(/POST \/payments · try 1 · HTTP 20\d · \d+ ms/);
    await screenshot(page, "ops-order-timeline");
    await page.getByRole("link", { name: "Rejected" }).click();
    await expect(page.textContent("main")).resolves.toMatch(/Not signed with your webhook signature key/);
    expect(await page.textContent("main")).not.toContain("not-the-key");
    await screenshot(page, "ops-rejected");
    await page.close();
  });

  it("refunds from the ops dashboard and the order follows when Checkout.com confirms", async () => {
    const orders = (await (
      await fetch(`${shop.url}/ops/api/orders?status=captured`, {
        headers: { authorization: `Bearer ${OPS_TOKEN}` },
      })
    ).json()) as {
      orders: Array<{ id: string }>;
    };
    const orderId = orders.orders[0]?.id ?? "";
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page);
    await page.goto(`${shop.url}/ops/orders/${orderId}`);
    await page.getByRole("link", { name: "Refund" }).click();
    // Major units, as people type money; a reason; then a page that repeats amount and effect.
    await page.getByLabel(/Amount in GBP/).fill("5.00");
    await page.getByLabel(/Reason/).fill("one mug arrived chipped");
    await page.getByRole("button", { name: "Review refund" }).click();
    await expect(page.textContent("main")).resolves.toMatch(
      /Refund £5\.00 of £[\d.]+ to the customer's card/,
    );
    await screenshot(page, "ops-refund-confirm-390");
    await page.getByRole("button", { name: "Yes, refund £5.00" }).click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/sent to Checkout\.com/);
    await sandbox.idle();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.textContent("main");
        },
        { timeout: 10_000 },
      )
      .toMatch(/Status\s*Partly refunded/);
    await expect(page.textContent("main")).resolves.toMatch(
      /admin asked for a refund of £5\.00 \(“one mug arrived chipped”\); Checkout\.com accepted the request/,
    );
    const payment = [...sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    expect(payment?.balances.total_refunded).toBe(500);
    await page.close();
  });

  it("lets an operator add a destination, read its delivery log, and replay a dead letter", async () => {
    const receiver = await startReceiver();
    receiver.respond = () => 503;
    const auth = { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" };
    const created = await fetch(`${shop.url}/ops/api/destinations`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ id: "crm", url: receiver.url, events: ["order.paid"] }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    const listed = await (await fetch(`${shop.url}/ops/api/destinations`, { headers: auth })).text();
    expect(listed).not.toContain(secret);
    const refused = await fetch(`${shop.url}/ops/api/destinations`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ id: "Bad Name", url: "ftp://x", events: [] }),
    });
    expect(refused.status).toBe(400);

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await buyFromCatalog(page);
    await payWith(page, "4242424242424242");
    await page.waitForURL(/\/orders\/ord_/);
    await signIn(page);
    await expect
      .poll(
        async () => {
          await page.goto(`${shop.url}/ops/destinations`);
          return page.textContent("main");
        },
        { timeout: 10_000 },
      )
      .toMatch(/1 dead/);
    await screenshot(page, "ops-destinations-390");
    await page.getByRole("link", { name: "crm" }).click();
    await expect(page.textContent("main")).resolves.toMatch(/refused with 503/);
    receiver.respond = () => 204;
    await page.getByRole("button", { name: "Replay" }).first().click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/will be sent again/);
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.textContent("main");
        },
        { timeout: 10_000 },
      )
      .toMatch(/None: every event was delivered/);
    await screenshot(page, "ops-destination-log-390");
    expect(receiver.received.filter((r) => r.status === 204)).toHaveLength(1);
    await page.close();
    await receiver.close();
  });

  it("lets an operator find an order on a phone, and every console page is readable there and axe-clean", async () => {
    // axe is injected as a script: this context alone ignores the CSP, to let it in.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
    const page = await context.newPage();
    await signIn(page);
    await page.getByLabel("Search").fill("shopper@example.com");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.textContent("main")).resolves.toMatch(/\d+ orders? match/);
    const first = await page.locator("table a").first().textContent();
    await page.getByLabel("Search").fill("no-such-order");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.textContent("main")).resolves.toMatch(/No orders match these filters/);
    const orderPath = `/ops/orders/${first?.trim()}`;
    const webhook = (await (
      await fetch(`${shop.url}/ops/api/webhooks`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } })
    ).json()) as { events: Array<{ id: string }> };
    const pages = [
      "/ops/",
      "/ops/review",
      orderPath,
      `${orderPath}/refund`,
      "/ops/webhooks",
      `/ops/webhooks/${webhook.events[0]?.id}`,
      "/ops/rejected",
      "/ops/reconciliation",
      "/ops/destinations",
      "/ops/disputes",
      "/ops/abandoned",
      "/ops/customers?email=shopper%40example.com",
    ];
    const problems: string[] = [];
    for (const path of pages) {
      await page.goto(`${shop.url}${path}`);
      // Nothing wider than the phone: wide tables scroll inside their own box.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) problems.push(`${path}: ${overflow}px wider than the screen`);
      await page.addScriptTag({
        path: resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"),
      });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string }> }> } })
          .axe;
        return (await axe.run()).violations.map((v) => v.id);
      });
      for (const v of violations) problems.push(`${path}: ${v}`);
      await screenshot(
        page,
        `ops-390${path.replace(/[/?=%]/g, "-").replace(/-(ord|evt)_[a-z0-9]+/g, "-$1")}`,
      );
    }
    expect(problems).toEqual([]);
    await context.close();
  }, 150_000); // twelve pages, each checked by axe, on a machine that may be busy

  it("lets an operator answer a dispute with evidence and a file, and the order shows the outcome", async () => {
    const orders = (await (
      await fetch(`${shop.url}/ops/api/orders?status=captured`, {
        headers: { authorization: `Bearer ${OPS_TOKEN}` },
      })
    ).json()) as { orders: Array<{ id: string }> };
    const orderId = orders.orders[0]?.id ?? "";
    const payment = [...sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    const opened = await fetch(`${sandbox.url}/_sandbox/disputes`, {
      method: "POST",
      body: JSON.stringify({ payment: payment?.id, category: "product_not_received" }),
    });
    const dispute = (await opened.json()) as { id: string };
    // The scheme decides in a minute of sandbox time; here, at once.
    sandbox.timeScale = 1000;
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(page);
    await page.getByRole("link", { name: "Disputes" }).click();
    await expect(page.textContent("main")).resolves.toMatch(/product not received/);
    await screenshot(page, "ops-disputes-390");
    await page.getByRole("link", { name: dispute.id }).click();
    await page.getByLabel("Proof of delivery or service").fill("Signed for at the door on 3 November.");
    await page.getByLabel(/Proof of delivery \(PDF/).setInputFiles({
      name: "signed-delivery.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4 delivery note"),
    });
    await screenshot(page, "ops-dispute-evidence-390");
    // Evidence goes once: it is reviewed first, then confirmed.
    await page.getByRole("button", { name: "Review the evidence" }).click();
    await expect(page.textContent("main")).resolves.toMatch(/signed-delivery\.pdf/);
    await screenshot(page, "ops-dispute-evidence-review-390");
    await page.getByRole("button", { name: "Yes, submit this evidence" }).click();
    await expect(page.locator(".notice").textContent()).resolves.toMatch(/Evidence submitted/);
    const evidence = (await (
      await fetch(`${sandbox.url}/disputes/${dispute.id}/evidence`, {
        headers: { authorization: `Bearer ${sandbox.keys.secretKey}` },
      })
    ).json()) as Record<string, string>;
    expect(evidence.proof_of_delivery_or_service_text).toMatch(/Signed for/);
    expect(evidence.proof_of_delivery_or_service_file).toMatch(/^file_/);
    await expect
      .poll(
        async () => {
          await sandbox.idle();
          await page.goto(`${shop.url}/ops/orders/${orderId}`);
          return page.textContent("main");
        },
        { timeout: 10_000 },
      )
      .toMatch(/The dispute was won/);
    await expect(page.textContent("main")).resolves.toMatch(/admin sent evidence for the dispute/);
    sandbox.timeScale = 1;
    await page.close();
  });

  it("keeps the ops API behind its token and pages under a strict CSP", async () => {
    expect((await fetch(`${shop.url}/ops/api/orders`)).status).toBe(401);
    expect(
      (await fetch(`${shop.url}/ops/api/orders`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } }))
        .status,
    ).toBe(200);
    const csp = (await fetch(`${shop.url}/`)).headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`script-src 'self' ${sandbox.url}`);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
  });
});

for (const [size, viewport] of [
  ["desktop", DESKTOP],
  ["390 px", PHONE],
] as const) {
  const tag = size === "desktop" ? "desktop" : "390";

  describe(`the shopper's pages at ${size}`, () => {
    it("brings a shopper whose bank failed 3-D Secure back to the checkout, told why at once, details kept", async () => {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const email = `three-ds-${tag}@example.com`;
      await buyFromCatalog(page, "mug", "1");
      await page.getByLabel("Email for your receipt").fill(email);
      await page.getByLabel("Billing country").selectOption("FR");
      await page.getByRole("button", { name: "Continue to payment" }).click();
      await fillCardAndPay(page, "4010 0617 0000 0021");
      await page.waitForURL(/\/3ds\/sid_/);
      await page.getByRole("button", { name: "Fail authentication" }).click();
      await page.waitForURL(/\/checkout\?cart=cart_/);
      // Only the cart's opaque id comes back in the address; who pays is kept on the server.
      expect([...new URL(page.url()).searchParams.keys()]).toEqual(["cart"]);
      expect(page.url()).not.toContain("example");
      // In the page as served, before any script: the bank's reason, at the top of the screen.
      const problem = page.locator("#payment-problem");
      await expect(problem.textContent()).resolves.toMatch(
        /did not go through, and you have not been charged\.\s*We couldn't verify this payment with your bank\. Try again or use another card\./,
      );
      const box = await problem.boundingBox();
      expect((box?.y ?? viewport.height) + (box?.height ?? 0)).toBeLessThan(viewport.height);
      await expect(page.getByLabel("Email for your receipt").inputValue()).resolves.toBe(email);
      await expect(page.getByLabel("Billing country").inputValue()).resolves.toBe("FR");
      // The card form opens by itself for the details kept: no retyping, no Continue. The reason is
      // read once, at the top; the widget's copy of it by the Pay button waits for the shopper to act.
      await page.locator("handoff-checkout").getByRole("button", { name: "Pay £14.50" }).waitFor();
      const widgetCopy = page.locator("handoff-checkout .message", {
        hasText: "couldn't verify this payment",
      });
      await expect(widgetCopy.count()).resolves.toBe(1);
      await expect(widgetCopy.isVisible()).resolves.toBe(false);
      await expect(page.getByRole("button", { name: "Continue to payment" }).count()).resolves.toBe(0);
      expect(await overflow(page)).toBeLessThanOrEqual(1);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `shop-3ds-failed-${tag}`);

      await fillCardAndPay(page, "4242 4242 4242 4242");
      await page.waitForURL(/\/orders\/ord_/);
      await page.waitForSelector('#order-status[data-status="captured"]', { timeout: 15_000 });
      const orderId = (await orderStatus(page).getAttribute("data-order-id")) ?? "";
      const { order } = (await (
        await fetch(`${shop.url}/ops/api/orders/${orderId}`, {
          headers: { authorization: `Bearer ${OPS_TOKEN}` },
        })
      ).json()) as { order: { customer?: { email: string }; billing?: { country: string } } };
      expect(order.customer?.email).toBe(email);
      expect(order.billing?.country).toBe("FR");
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);

    it("lists what was bought, what came back to the card and what happens next, in words", async () => {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${shop.url}/`);
      await page.getByLabel(/Enamel camp mug/).fill("2");
      await page.getByLabel(/Heavy canvas tote/).fill("1");
      await page.getByRole("button", { name: "Go to checkout" }).click();
      await page.waitForURL(/\/checkout\?cart=cart_/);
      await payWith(page, "4242 4242 4242 4242");
      await page.waitForURL(/\/orders\/ord_/);
      await page.waitForSelector('#order-status[data-status="captured"]', { timeout: 15_000 });
      await expect(cartRowsOf(page)).resolves.toEqual([
        "Item | Qty | Price | Amount",
        "Enamel camp mug | 2 | £14.50 | £29.00",
        "Heavy canvas tote | 1 | £18.00 | £18.00",
        "Total | £47.00",
      ]);
      await expect(page.locator("#order-next").textContent()).resolves.toBe(
        "Thank you, your payment went through. We'll email you at sh…@example.com when your order ships.",
      );
      await screenshot(page, `shop-order-paid-${tag}`);

      const orderId = (await orderStatus(page).getAttribute("data-order-id")) ?? "";
      const refund = await fetch(`${shop.url}/ops/api/orders/${orderId}/refund`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ amount: 1200 }),
      });
      expect(refund.status).toBe(202);
      // Followed without a reload: the status, the amount returned and what it means.
      await page.waitForSelector('#order-status[data-status="partially_refunded"]', { timeout: 15_000 });
      await expect(orderStatus(page).textContent()).resolves.toBe("Partly refunded");
      await expect(page.locator("#order-money").textContent()).resolves.toBe(
        "£12.00 of £47.00 returned to your card.",
      );
      await expect(page.locator("#order-next").textContent()).resolves.toMatch(
        /^The rest of your order stands\. Refunds usually reach your statement within 5 to 10 working days\.$/,
      );
      expect(await overflow(page)).toBeLessThanOrEqual(1);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `shop-order-partly-refunded-${tag}`);

      const payment = [...sandbox.payments.payments.values()].find((p) => p.reference === orderId);
      const opened = await fetch(`${sandbox.url}/_sandbox/disputes`, {
        method: "POST",
        body: JSON.stringify({ payment: payment?.id, category: "product_not_received" }),
      });
      expect(opened.status).toBe(201);
      await page.locator("#order-status", { hasText: "Disputed" }).waitFor({ timeout: 15_000 });
      await expect(page.locator("#order-money").textContent()).resolves.toBe(
        "£47.00 is disputed with your bank.",
      );
      await expect(page.locator("#order-next").textContent()).resolves.toMatch(
        /^Your bank told us you have disputed this payment\./,
      );
      await screenshot(page, `shop-order-disputed-${tag}`);
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);

    it("tells a shopper back at the checkout after a decline why, with their details kept", async () => {
      const page = await browser.newPage({ viewport });
      await buyFromCatalog(page, "tote", "1");
      await payWith(page, "4544 2491 6767 3670");
      await page.locator("handoff-checkout .message", { hasText: /insufficient funds/ }).waitFor();
      await page.reload();
      await expect(page.locator("#payment-problem").textContent()).resolves.toMatch(
        /you have not been charged\.\s*Your card has insufficient funds\. Try another card\./,
      );
      await expect(page.getByLabel("Email for your receipt").inputValue()).resolves.toBe(
        "shopper@example.com",
      );
      await page.close();
    }, 60_000);

    it("lets a React shopper see the cart, go back to it, and say who pays; ops then shows their email", async () => {
      const context = await browser.newContext({ viewport, bypassCSP: true });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const email = `react-${tag}@example.com`;
      await page.goto(`${shop.url}/react/`);
      await page.getByLabel(/Enamel camp mug/).fill("2");
      await page.getByLabel(/Heavy canvas tote/).fill("1");
      await page.getByRole("button", { name: "Go to checkout" }).click();
      await expect(cartRowsOf(page)).resolves.toEqual([
        "Item | Qty | Price | Amount",
        "Enamel camp mug | 2 | £14.50 | £29.00",
        "Heavy canvas tote | 1 | £18.00 | £18.00",
        "Total | £47.00",
      ]);
      // Back to the cart with what was chosen still there; a change is priced again.
      await page.getByRole("link", { name: "Edit cart" }).click();
      await expect(page.getByLabel(/Enamel camp mug/).inputValue()).resolves.toBe("2");
      await page.getByLabel(/Heavy canvas tote/).fill("0");
      await page.getByRole("button", { name: "Update cart and check out" }).click();
      await expect(cartRowsOf(page)).resolves.toEqual([
        "Item | Qty | Price | Amount",
        "Enamel camp mug | 2 | £14.50 | £29.00",
        "Total | £29.00",
      ]);
      await page.getByLabel("Email for your receipt").fill(email);
      await page.getByLabel("Billing country").selectOption("IE");
      await page.getByRole("button", { name: "Continue to payment" }).click();
      await page.locator("handoff-checkout").getByRole("button", { name: "Pay £29.00" }).waitFor();
      expect(await overflow(page)).toBeLessThanOrEqual(1);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `react-shop-checkout-${tag}`);
      // Back again and forward: the details stay, and the card form opens for them.
      await page.goBack();
      await page.getByRole("button", { name: "Update cart and check out" }).click();
      await expect(page.getByLabel("Email for your receipt").inputValue()).resolves.toBe(email);
      await fillCardAndPay(page, "4242 4242 4242 4242");
      await page.waitForURL(/\/orders\/ord_/);
      const orderId = (await orderStatus(page).getAttribute("data-order-id")) ?? "";
      const { order } = (await (
        await fetch(`${shop.url}/ops/api/orders/${orderId}`, {
          headers: { authorization: `Bearer ${OPS_TOKEN}` },
        })
      ).json()) as { order: { customer?: { email: string }; billing?: { country: string }; amount: number } };
      expect(order).toMatchObject({ customer: { email }, billing: { country: "IE" }, amount: 2900 });
      await signIn(page);
      await page.goto(`${shop.url}/ops/orders/${orderId}`);
      await expect(page.textContent("main")).resolves.toContain(email);
      // Changing a cart that is not there is a clear 404, and a bad list a 400: never a new cart.
      const put = (cart: string, items: unknown) =>
        fetch(`${shop.url}/api/carts/${cart}`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ items }),
        });
      const missing = await put("cart_nosuchcart", [{ sku: "mug", quantity: 1 }]);
      expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([
        404,
        "CART_NOT_FOUND",
      ]);
      expect((await put("cart_nosuchcart", "mug")).status).toBe(400);
      expect(errors.filter((e) => !/React DevTools/.test(e))).toEqual([]);
      await context.close();
    }, 60_000);
  });
}
