import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, launchChromium, screenshot } from "../support/chromium.js";
import { buildScriptTagBundle, startWidgetShop, type WidgetShop } from "./support/widget-shop.js";

let shop: WidgetShop;
let browser: Browser;

beforeAll(async () => {
  shop = await startWidgetShop(await buildScriptTagBundle());
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

type Events = Array<{ name: string; detail: Record<string, unknown> }>;

async function open(query: Record<string, string> = {}, items = [{ sku: "mug", quantity: 1 }]) {
  const cart = await shop.h.cart(items);
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${shop.url}/?${new URLSearchParams({ cart, ...query })}`);
  return { page, cart, errors };
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: Events }).events);
const names = async (page: Page) => (await events(page)).map((e) => e.name);
const waitFor = (page: Page, name: string) =>
  page.waitForFunction(
    (n) => (window as unknown as { events: Events }).events.some((e) => e.name === n),
    name,
  );
const card = (page: Page) => page.frameLocator("iframe[name=cko-card-frame]");

async function fill(page: Page, number: string) {
  await waitFor(page, "onReady");
  await card(page).getByLabel("Card number").fill(number);
  await card(page).getByLabel("Expiry date (MM / YY)").fill("12 / 34");
  await card(page)
    .getByLabel("Security code")
    .fill(number.startsWith("3") ? "1234" : "123");
}

const payButton = (page: Page) => page.locator("handoff-checkout").getByRole("button", { name: /^Pay/ });
const message = (page: Page) => page.locator("handoff-checkout").locator(".message");

describe("<handoff-checkout> from a script tag, under a strict CSP", () => {
  it("pays with 4242: ready, tokenized, success, and the order is authorized", async () => {
    const { page, errors } = await open();
    await fill(page, "4242 4242 4242 4242");
    await expect(payButton(page).textContent()).resolves.toMatch(/Pay £14\.50/);
    await screenshot(page, "widget-ready");
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    await message(page)
      .filter({ hasText: /Payment successful/ })
      .waitFor();
    await screenshot(page, "widget-success");
    expect(await names(page)).toEqual(["onReady", "onTokenized", "onSuccess"]);
    const success = (await events(page)).find((e) => e.name === "onSuccess")?.detail as { orderId: string };
    expect((await shop.h.store.getOrder(success.orderId))?.status).toBe("authorized");
    // Card data stays in the sandbox's iframe: nothing in our page holds it.
    expect(await page.content()).not.toContain("4242 4242");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a soft decline in words, keeps focus on the message, and lets the shopper pay with another card", async () => {
    const { page } = await open();
    await fill(page, "4544 2491 6767 3670");
    await payButton(page).click();
    await waitFor(page, "onDecline");
    await message(page)
      .filter({ hasText: /insufficient funds/ })
      .waitFor();
    const focused = await page.evaluate(
      () => document.querySelector("handoff-checkout")?.shadowRoot?.activeElement?.className,
    );
    expect(focused).toBe("message");
    await screenshot(page, "widget-declined");
    await card(page).getByLabel("Card number").fill("4242 4242 4242 4242");
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    const decline = (await events(page)).find((e) => e.name === "onDecline")?.detail;
    expect(decline).toMatchObject({ category: "soft", retryable: true, code: "20051" });
    await page.close();
  });

  it("explains a hard decline without naming the reason the bank gave", async () => {
    const { page } = await open();
    await fill(page, "4539 2536 5571 1767");
    await payButton(page).click();
    await waitFor(page, "onDecline");
    await message(page)
      .filter({ hasText: /can't be used/ })
      .waitFor();
    expect(await message(page).textContent()).not.toMatch(/stolen/i);
    await page.close();
  });

  it("answers in French when the page asks for fr and loads the French pack, decline messages included", async () => {
    const { page } = await open({ locale: "fr-FR", pack: "fr" });
    await waitFor(page, "onReady");
    // Flow's card fields speak French too: the pack gives them their labels.
    await card(page).getByLabel("Numéro de carte").fill("4544 2491 6767 3670");
    await card(page).getByLabel("Date d'expiration (MM / AA)").fill("12 / 34");
    await card(page).getByLabel("Code de sécurité").fill("123");
    await expect(payButton(page).textContent()).resolves.toMatch(/Payer 14,50/);
    await payButton(page).click();
    await waitFor(page, "onDecline");
    await message(page)
      .filter({ hasText: /Fonds insuffisants/ })
      .waitFor();
    await page.close();
  });

  it("sends the shopper through 3-D Secure and lands them on their paid order", async () => {
    const { page } = await open();
    await fill(page, "4010 0617 0000 0021");
    await payButton(page).click();
    await page.waitForURL(/\/3ds\/sid_/);
    await page.getByLabel("Password").fill("Checkout1!");
    await page.locator("#txtButton").click();
    await page.waitForURL(/\/orders\/ord_/);
    await expect(page.locator("#status").textContent()).resolves.toBe("authorized");
    await page.close();
  });

  it("re-tokenizes once, on its own, when the token expired before confirm", async () => {
    const { page } = await open();
    await fill(page, "4242 4242 4242 4242");
    let confirms = 0;
    await page.route("**/api/checkout/confirm", async (route) => {
      confirms++;
      // The first token is past its 15 minutes by the time it reaches the server.
      if (confirms === 1) shop.h.sandbox.advanceClock(16 * 60_000);
      await route.continue();
    });
    try {
      await payButton(page).click();
      await waitFor(page, "onSuccess");
    } finally {
      shop.h.sandbox.advanceClock(-16 * 60_000);
    }
    expect(confirms).toBe(2);
    expect((await names(page)).filter((n) => n === "onTokenized")).toHaveLength(2);
    await page.close();
  });

  it("survives a network failure: says so, and Try again confirms the same token once", async () => {
    const { page } = await open();
    await fill(page, "4242 4242 4242 4242");
    let failNext = true;
    const tokens: string[] = [];
    await page.route("**/api/checkout/confirm", async (route) => {
      tokens.push(JSON.parse(route.request().postData() ?? "{}").processorToken);
      if (failNext) {
        failNext = false;
        return route.abort("failed");
      }
      return route.continue();
    });
    await payButton(page).click();
    await waitFor(page, "onError");
    await message(page)
      .filter({ hasText: /couldn't reach the payment service/ })
      .waitFor();
    await screenshot(page, "widget-network-error");
    await page.locator("handoff-checkout").getByRole("button", { name: "Try again" }).click();
    await waitFor(page, "onSuccess");
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(tokens[1]);
    await page.close();
  });

  it("never sends two confirms for a double click", async () => {
    const { page } = await open();
    await fill(page, "4242 4242 4242 4242");
    let confirms = 0;
    page.on("request", (request) => {
      if (request.url().endsWith("/api/checkout/confirm")) confirms++;
    });
    await payButton(page).dblclick();
    await waitFor(page, "onSuccess");
    await page.waitForTimeout(200);
    expect(confirms).toBe(1);
    await page.close();
  });

  it("refuses any checkout mode but CheckoutDotComToken, clearly", async () => {
    const { page } = await open({ mode: "Flow" });
    await waitFor(page, "onError");
    const error = (await events(page)).find((e) => e.name === "onError")?.detail;
    expect(error).toMatchObject({ code: "unsupported_checkout_mode" });
    await page.close();
  });

  it("hands the token to the merchant's onPaymentInitiated and renders what it returns", async () => {
    const { page } = await open({ merchant: "1" });
    await fill(page, "4242 4242 4242 4242");
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    expect(await names(page)).toEqual(["onReady", "onTokenized", "merchantConfirm", "onSuccess"]);
    await page.close();
  });

  it("lets the merchant's own button pay in the Inline flow", async () => {
    const { page } = await open({ flow: "Inline" });
    await fill(page, "4242 4242 4242 4242");
    expect(await payButton(page).count()).toBe(0);
    await page.locator("#own-pay").click();
    await waitFor(page, "onSuccess");
    await page.close();
  });

  it("opens the Modal flow in an accessible dialog: Escape closes it and focus returns", async () => {
    const { page } = await open({ flow: "Modal" });
    await waitFor(page, "onReady");
    const opener = page.locator("handoff-checkout").getByRole("button", { name: /^Pay/ }).first();
    await opener.focus();
    await page.keyboard.press("Enter");
    const dialog = page.locator("handoff-checkout").getByRole("dialog", { name: "Pay securely" });
    await expect(dialog.isVisible()).resolves.toBe(true);
    await screenshot(page, "widget-modal");
    await page.keyboard.press("Escape");
    await expect(dialog.isVisible()).resolves.toBe(false);
    const focused = await page.evaluate(() =>
      document.querySelector("handoff-checkout")?.shadowRoot?.activeElement?.getAttribute("part"),
    );
    expect(focused).toBe("open-button");
    await page.close();
  });

  it("has no axe-core accessibility violations, ready or declined", async () => {
    const { page } = await open();
    await fill(page, "4544 2491 6767 3670");
    await page.addScriptTag({ url: "/axe.js" });
    const audit = () =>
      page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run(
                node: Element,
                options: object,
              ): Promise<{ violations: Array<{ id: string; help: string }> }>;
            };
          }
        ).axe;
        const result = await axe.run(document.querySelector("handoff-checkout") as Element, {
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] },
        });
        return result.violations.map((v) => `${v.id}: ${v.help}`);
      });
    expect(await audit()).toEqual([]);
    await payButton(page).click();
    await waitFor(page, "onDecline");
    expect(await audit()).toEqual([]);
    await page.close();
  });

  it("does not throw when handoff.js is loaded twice, or beside another version", async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    const warnings: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "warning") warnings.push(m.text());
    });
    await page.goto(`${shop.url}/?cart=${await shop.h.cart()}`);
    await page.addScriptTag({ url: "/handoff.js" });
    await page.addScriptTag({ url: "/handoff.js" });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    // Another version came first: it registered the element and set window.Handoff.
    await page.evaluate(() => {
      (window as unknown as { Handoff: { version: string } }).Handoff.version = "0.0.1";
      (customElements.get("handoff-checkout") as unknown as { handoffVersion: string }).handoffVersion =
        "0.0.1";
    });
    await page.addScriptTag({ url: "/handoff.js" });
    await page.addScriptTag({ url: "/handoff.js" });
    // The warning's words come with the error screens (handoff.errors.js), loaded for it: once.
    const mismatches = () => warnings.filter((w) => w.includes("version-mismatch"));
    await expect.poll(mismatches).toHaveLength(1);
    await page.waitForFunction(() => {
      const parts = (globalThis as Record<symbol, Record<string, { errors?: unknown }>>)[
        Symbol.for("handoff.parts")
      ];
      return Object.values(parts ?? {}).some((p) => p.errors);
    });
    expect(mismatches()).toHaveLength(1);
    expect(mismatches()[0]).toContain("0.0.1 is already registered");
    await page.close();
  });
});
