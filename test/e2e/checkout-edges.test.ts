import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collectPageErrors, launchChromium, screenshot } from "../support/chromium.js";
import { buildScriptTagBundle, startWidgetShop, type WidgetShop } from "./support/widget-shop.js";

/** Where money and shoppers meet: each answer the server can give has its own screen. */
let shop: WidgetShop;
let browser: Browser;

beforeAll(async () => {
  shop = await startWidgetShop(await buildScriptTagBundle());
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
});
beforeEach(async () => {
  await shop.h.inventory.upsertProducts([
    { sku: "last-one", name: "Signed print", unitAmount: 9900, currency: "GBP", stock: 1 },
  ]);
});

type Events = Array<{ name: string; detail: Record<string, unknown> }>;
const PHONE = { width: 390, height: 844 };

async function open(
  query: Record<string, string> = {},
  items = [{ sku: "mug", quantity: 1 }],
  viewport = { width: 1024, height: 800 },
) {
  const cart = await shop.h.cart(items);
  const page = await browser.newPage({ viewport });
  const errors = collectPageErrors(page);
  await page.goto(`${shop.url}/?${new URLSearchParams({ cart, ...query })}`);
  return { page, cart, errors };
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: Events }).events);
const waitFor = (page: Page, name: string) =>
  page.waitForFunction(
    (n) => (window as unknown as { events: Events }).events.some((e) => e.name === n),
    name,
  );
const card = (page: Page) => page.frameLocator("iframe[name=cko-card-frame]");
const widget = (page: Page) => page.locator("handoff-checkout");
const payButton = (page: Page) => widget(page).getByRole("button", { name: /^(Pay|Payer)/ });
const message = (page: Page) => widget(page).locator(".message");

async function fill(page: Page, number: string) {
  await waitFor(page, "onReady");
  await card(page).getByLabel("Card number").fill(number);
  await card(page).getByLabel("Expiry date (MM / YY)").fill("12 / 34");
  await card(page).getByLabel("Security code").fill("123");
}

async function audit(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: "/axe.js" });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(n: Element, o: object): Promise<{ violations: Array<{ id: string; help: string }> }> };
      }
    ).axe;
    const result = await axe.run(document.querySelector("handoff-checkout") as Element, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help}`);
  });
}

const paymentsOf = (orderId: string) =>
  [...shop.h.sandbox.payments.payments.values()].filter((p) => p.reference === orderId);

for (const [size, viewport] of [
  ["desktop", { width: 1024, height: 800 }],
  ["390 px", PHONE],
] as const) {
  describe(`the checkout at ${size}`, () => {
    it("pays only through our Pay button, in token mode, with the device session forwarded", async () => {
      const { page, errors } = await open({}, [{ sku: "mug", quantity: 1 }], viewport);
      await fill(page, "4242 4242 4242 4242");
      // Flow's own Pay button would pay through the session without confirm: it must not be drawn.
      await expect(card(page).locator("#flow-pay").isHidden()).resolves.toBe(true);
      await payButton(page).click();
      await waitFor(page, "onSuccess");
      const success = (await events(page)).find((e) => e.name === "onSuccess")?.detail as { orderId: string };
      const [payment] = paymentsOf(success.orderId);
      expect(payment?.metadata.AccelerateToken).toMatch(/^tok_/);
      expect(payment?.risk.device_session_id).toMatch(/^dsid_/);
      // Success replaces Pay; nothing is left to click twice.
      await expect(payButton(page).count()).resolves.toBe(0);
      await expect(widget(page).getByRole("button", { name: "Try again" }).count()).resolves.toBe(0);
      await screenshot(page, `edges-success-${size.replace(" ", "")}`);
      expect(errors).toEqual([]);
      await page.close();
    });

    it("lets a shopper who left 3-D Secure with Back pay at once with another card, charged once", async () => {
      const { page, errors } = await open({}, [{ sku: "last-one", quantity: 1 }], viewport);
      await fill(page, "4010 0617 0000 0021");
      await payButton(page).click();
      await page.waitForURL(/\/3ds\/sid_/);
      await page.goBack();
      // Back, then a reload for good measure: the checkout is open again either way.
      if (size === "390 px") await page.reload();
      await fill(page, "4242 4242 4242 4242");
      await expect(payButton(page).textContent()).resolves.toMatch(/Pay £99\.00/);
      await payButton(page).click();
      await waitFor(page, "onSuccess");
      const success = (await events(page)).find((e) => e.name === "onSuccess")?.detail as { orderId: string };
      expect(paymentsOf(success.orderId).filter((p) => p.approved)).toHaveLength(1);
      expect((await shop.h.store.getOrder(success.orderId))?.status).toBe("authorized");
      expect(errors).toEqual([]);
      await page.close();
    });
  });
}

describe("the checkout's own screens", () => {
  it("reloads its session when cartId changes, so the amount shown is the amount charged", async () => {
    const { page } = await open();
    await waitFor(page, "onReady");
    await expect(payButton(page).textContent()).resolves.toMatch(/£14\.50/);
    const bigger = await shop.h.cart([{ sku: "poster", quantity: 3 }]);
    await page.evaluate((cart) => {
      (document.querySelector("handoff-checkout") as HTMLElement & { cartId: string }).cartId = cart;
    }, bigger);
    await payButton(page).filter({ hasText: "£66.00" }).waitFor();
    await fill(page, "4242 4242 4242 4242");
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    const success = (await events(page)).at(-1)?.detail as { orderId: string };
    expect(paymentsOf(success.orderId)[0]?.amount).toBe(6600);
    await page.close();
  });

  it("sends a failed 3-D Secure back to the checkout with the reason and a fresh card form", async () => {
    const { page, errors } = await open({}, [{ sku: "mug", quantity: 1 }], PHONE);
    await fill(page, "4010 0617 0000 0021");
    await payButton(page).click();
    await page.waitForURL(/\/3ds\/sid_/);
    await page.getByRole("button", { name: /fail|cancel/i }).click();
    await page.waitForURL(new RegExp(`${shop.url}/\\?cart=`));
    await message(page)
      .filter({ hasText: /couldn't verify this payment with your bank/ })
      .waitFor();
    await screenshot(page, "edges-3ds-failed-390");
    await fill(page, "4242 4242 4242 4242");
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows a paid cart reopened as already paid, with a link to the order and no Pay", async () => {
    const first = await open();
    await fill(first.page, "4242 4242 4242 4242");
    await payButton(first.page).click();
    await waitFor(first.page, "onSuccess");
    const again = await browser.newPage({ viewport: PHONE });
    await again.goto(`${shop.url}/?cart=${first.cart}`);
    await message(again).filter({ hasText: "This order is already paid" }).waitFor();
    const link = widget(again).getByRole("link", { name: "View your order" });
    expect(await link.getAttribute("href")).toMatch(/\/orders\/ord_/);
    await expect(payButton(again).count()).resolves.toBe(0);
    expect(await audit(again)).toEqual([]);
    await screenshot(again, "edges-already-paid-390");
    await first.page.close();
    await again.close();
  });

  it("names what sold out when the last unit is bought twice, links to the cart, offers no Try again", async () => {
    const a = await open({ cartUrl: "/cart-edit" }, [{ sku: "last-one", quantity: 1 }]);
    const b = await open({ cartUrl: "/cart-edit" }, [{ sku: "last-one", quantity: 1 }], PHONE);
    await fill(a.page, "4242 4242 4242 4242");
    await fill(b.page, "4242 4242 4242 4242");
    await payButton(a.page).click();
    await waitFor(a.page, "onSuccess");
    await payButton(b.page).click();
    await message(b.page).filter({ hasText: "not enough left of: Signed print" }).waitFor();
    expect(await widget(b.page).getByRole("link", { name: "Edit your cart" }).getAttribute("href")).toBe(
      "/cart-edit",
    );
    await expect(widget(b.page).getByRole("button", { name: "Try again" }).count()).resolves.toBe(0);
    await expect(payButton(b.page).count()).resolves.toBe(0);
    expect(await audit(b.page)).toEqual([]);
    await screenshot(b.page, "edges-sold-out-390");
    expect((await shop.h.inventory.listProducts()).find((p) => p.sku === "last-one")?.stock).toBe(0);
    await a.page.close();
    await b.page.close();
  });

  it("keeps card fields read-only while a hung confirm is checked again, then shows the answer, charged once", async () => {
    shop.h.sandbox.addFault({ route: "payments", delayMs: 1500, count: 1 });
    const { page } = await open({ timeout: "500" });
    await fill(page, "4242 4242 4242 4242");
    await payButton(page).click();
    await message(page).filter({ hasText: "Still confirming your payment" }).waitFor();
    expect(
      await page.evaluate(() => (document.querySelector("[data-handoff-card]") as HTMLElement).inert),
    ).toBe(true);
    await expect(
      widget(page)
        .getByRole("button", { name: /Processing/ })
        .isDisabled(),
    ).resolves.toBe(true);
    expect(await audit(page)).toEqual([]);
    await screenshot(page, "edges-still-checking");
    await waitFor(page, "onSuccess");
    const success = (await events(page)).find((e) => e.name === "onSuccess")?.detail as { orderId: string };
    expect(paymentsOf(success.orderId)).toHaveLength(1);
    await page.close();
  });

  it("tells a shopper whose payment is held for review that it is being reviewed", async () => {
    const { page, errors } = await open({}, [{ sku: "mug", quantity: 1 }], PHONE);
    await fill(page, "4000 0000 0000 0101");
    await payButton(page).click();
    await message(page).filter({ hasText: "reviewing your order" }).waitFor();
    expect(await audit(page)).toEqual([]);
    await screenshot(page, "edges-review-390");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("holds the busy guard through a silent re-tokenization: clicks on the merchant's own button send one payment", async () => {
    const { page } = await open({ flow: "Inline" });
    await fill(page, "4242 4242 4242 4242");
    let confirms = 0;
    await page.route("**/api/checkout/confirm", async (route) => {
      confirms++;
      // The first token is stale by the time it lands: the widget fetches another, still busy.
      if (confirms === 1) shop.h.sandbox.advanceClock(16 * 60_000);
      await new Promise((r) => setTimeout(r, 150));
      await route.continue();
    });
    try {
      await page.locator("#own-pay").click();
      for (let i = 0; i < 5; i++) {
        await page.waitForTimeout(60);
        await page.locator("#own-pay").click();
      }
      await waitFor(page, "onSuccess");
    } finally {
      shop.h.sandbox.advanceClock(-16 * 60_000);
    }
    expect(confirms).toBe(2);
    const success = (await events(page)).find((e) => e.name === "onSuccess")?.detail as { orderId: string };
    expect(paymentsOf(success.orderId)).toHaveLength(1);
    await page.close();
  });

  it("writes money in the shopper's locale", async () => {
    const us = await open({ locale: "en-US" });
    await waitFor(us.page, "onReady");
    await expect(payButton(us.page).textContent()).resolves.toBe("Pay £14.50");
    const fr = await open({ locale: "fr-FR", pack: "fr" });
    await waitFor(fr.page, "onReady");
    await expect(payButton(fr.page).textContent()).resolves.toMatch(/^Payer 14,50\s£(GB)?$/);
    await us.page.close();
    await fr.page.close();
  });

  it("speaks English until the French pack arrives, then French, whichever script ran first", async () => {
    const { page, errors } = await open({ locale: "fr-FR" });
    await waitFor(page, "onReady");
    // Without the pack: English words, French money (the server formats the amount).
    await expect(payButton(page).textContent()).resolves.toMatch(/^Pay 14,50\s£(GB)?$/);
    await page.addScriptTag({ url: "/handoff.fr.js" });
    await payButton(page)
      .filter({ hasText: /^Payer/ })
      .waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("the sandbox's card frame", () => {
  it("fits a 320 px screen, grows with its messages, and formats 1230 as 12 / 30", async () => {
    const { page } = await open({}, [{ sku: "mug", quantity: 1 }], { width: 320, height: 700 });
    await waitFor(page, "onReady");
    const frame = card(page);
    const overflow = await frame
      .locator("body")
      .evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await frame.getByLabel("Expiry date (MM / YY)").fill("");
    await frame.getByLabel("Expiry date (MM / YY)").pressSequentially("1230");
    await expect(frame.getByLabel("Expiry date (MM / YY)").inputValue()).resolves.toBe("12 / 30");
    const iframe = page.locator("iframe[name=cko-card-frame]");
    const before = (await iframe.boundingBox())?.height ?? 0;
    await frame.getByLabel("Card number").fill("1234");
    await frame.getByLabel("Security code").focus();
    await frame.getByText("Enter a valid card number.").waitFor();
    await page.waitForFunction(
      (h) => (document.querySelector("iframe[name=cko-card-frame]")?.getBoundingClientRect().height ?? 0) > h,
      before,
    );
    await screenshot(page, "edges-card-frame-320");
    await page.close();
  });
});
