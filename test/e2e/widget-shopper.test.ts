import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGES } from "../../packages/elements/src/languages.js";
import type { FlowLabels, Strings } from "../../packages/elements/src/strings.js";
import { walletButtonLabel } from "../../packages/sandbox/src/browser/wallet-button-label.js";
import { collectPageErrors, launchChromium, screenshot } from "../support/chromium.js";
import { buildScriptTagBundle, startWidgetShop, type WidgetShop } from "./support/widget-shop.js";

/**
 * What a shopper does with `<handoff-checkout>` from the script tag: pay with Apple Pay, Google Pay
 * or a card, in any of the widget's languages, at desktop width and on a 390 px phone, light or
 * dark; with the fields locked while paying and gone once paid.
 */
let shop: WidgetShop;
let browser: Browser;
/** Every request any page made: Flow must never submit a payment session by itself. */
const requests: string[] = [];

beforeAll(async () => {
  shop = await startWidgetShop(await buildScriptTagBundle());
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  // The widget is in token mode for cards and wallets alike: no payment ever went through the session.
  expect(requests.filter((url) => /\/payment-sessions\/[^/]+\/submit/.test(url))).toEqual([]);
  await browser?.close();
  await shop?.close();
});

type Events = Array<{ name: string; detail: Record<string, unknown> }>;

async function open(
  query: Record<string, string> = {},
  viewport = { width: 1280, height: 900 },
  browserLocale?: string,
) {
  const cart = await shop.h.cart([{ sku: "mug", quantity: 1 }]);
  const page = await browser.newPage({ viewport, ...(browserLocale ? { locale: browserLocale } : {}) });
  page.on("request", (request) => requests.push(request.url()));
  const errors = collectPageErrors(page);
  await page.goto(`${shop.url}/?${new URLSearchParams({ cart, ...query })}`);
  await waitFor(page, "onReady");
  return { page, errors };
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: Events }).events);
const waitFor = (page: Page, name: string) =>
  page.waitForFunction(
    (n) => (window as unknown as { events: Events }).events.some((e) => e.name === n),
    name,
  );
const detailOf = async (page: Page, name: string) =>
  (await events(page)).find((e) => e.name === name)?.detail;
const widget = (page: Page) => page.locator("handoff-checkout");
const card = (page: Page) => page.frameLocator("iframe[name=cko-card-frame]");
const message = (page: Page) => widget(page).locator(".message");
const payButton = (page: Page) => widget(page).locator("button[part=pay-button]");

async function fillCard(page: Page, number = "4242 4242 4242 4242", labels = ENGLISH) {
  await card(page).getByLabel(labels.number).fill(number);
  await card(page).getByLabel(labels.expiry).fill("12 / 34");
  await card(page).getByLabel(labels.cvv).fill("123");
}
const ENGLISH = { number: "Card number", expiry: "Expiry date (MM / YY)", cvv: "Security code" };
/** The card fields' accessible names in a pack's language (English without one). */
const labelsOf = (flow: FlowLabels | undefined) =>
  flow
    ? {
        number: flow["card.card_number"],
        expiry: `${flow["card.expiry_date"]} (${flow["card.expiry_date.placeholder.month"]} / ${flow["card.expiry_date.placeholder.year"]})`,
        cvv: flow["card.security_code"],
      }
    : ENGLISH;

/** Pays with a wallet's button, named in the checkout's language as the wallet names it. */
async function walletPays(
  page: Page,
  wallet: "applepay" | "googlepay",
  choice: "Approve" | "Decline" | "Cancel",
  locale = "en-GB",
) {
  const frame = page.frameLocator(`iframe[name=cko-${wallet}-frame]`);
  const brand = wallet === "applepay" ? "Apple Pay" : "Google Pay";
  await frame.getByRole("button", { name: walletButtonLabel(locale, brand), exact: true }).click();
  await frame.getByRole("button", { name: choice }).click();
}

async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: "/axe.js" });
  return page.evaluate(async () => {
    const run = (
      window as unknown as {
        axe: {
          run(node: Element, options: object): Promise<{ violations: Array<{ id: string; help: string }> }>;
        };
      }
    ).axe.run;
    const result = await run(document.querySelector("handoff-checkout") as Element, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((v) => `${v.id}: ${v.help}`);
  });
}

describe("wallets in token mode", () => {
  it.each([
    ["applepay", "Apple Pay"],
    ["googlepay", "Google Pay"],
  ] as const)(
    "buys with %s: the token goes to confirm, and the order says which wallet paid",
    async (wallet, name) => {
      const { page, errors } = await open();
      // Above the card form, with "Or pay by card" between them.
      await expect(widget(page).locator("[part=separator]").textContent()).resolves.toBe("Or pay by card");
      await screenshot(page, `widget-wallets-${wallet}`);
      await walletPays(page, wallet, "Approve");
      await waitFor(page, "onSuccess");
      await message(page).filter({ hasText: "Payment successful" }).waitFor();
      const tokenized = (await detailOf(page, "onTokenized")) as { method: string; processorToken: string };
      expect(tokenized.method).toBe(wallet);
      const success = (await detailOf(page, "onSuccess")) as { orderId: string; paymentId: string };
      const order = await shop.h.store.getOrder(success.orderId);
      expect(order?.status).toBe("authorized");
      const [attempt] = await shop.h.store.attemptsOfOrder(success.orderId);
      expect(attempt?.cardWallet).toBe(wallet);
      // Charged by the merchant's confirm as any token: AccelerateToken ties the payment to the attempt.
      const payment = shop.h.sandbox.payments.payments.get(success.paymentId);
      expect(payment?.metadata.AccelerateToken).toBe(tokenized.processorToken);
      expect(payment?.card.wallet).toBe(wallet);
      // Once paid, no wallet or card remains to be used again.
      expect(await page.locator("iframe").count()).toBe(0);
      await screenshot(page, `widget-wallet-paid-${wallet}`);
      expect(errors, errors.join("\n")).toEqual([]);
      expect(name).toBeTruthy();
      await page.close();
    },
  );

  it("shows the bank's decline for a declined wallet card, and nothing happens when the shopper cancels", async () => {
    const { page, errors } = await open();
    await walletPays(page, "googlepay", "Cancel");
    await page.waitForTimeout(200);
    expect((await events(page)).map((e) => e.name)).toEqual(["onReady"]);
    await walletPays(page, "applepay", "Decline");
    await waitFor(page, "onDecline");
    await message(page)
      .filter({ hasText: /insufficient funds/ })
      .waitFor();
    // The shopper can pay another way at once.
    await fillCard(page);
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    // The declined confirm answers HTTP 402, which Chromium logs for any fetch; nothing else may appear.
    expect(errors.filter((e) => !e.includes("402 (Payment Required)"))).toEqual([]);
    await page.close();
  });

  it("draws no button for a wallet the session does not offer", async () => {
    shop.h.sandbox.payments.wallets.delete("applepay");
    try {
      const { page } = await open();
      expect(await page.locator("iframe[name=cko-applepay-frame]").count()).toBe(0);
      expect(await page.locator("iframe[name=cko-googlepay-frame]").count()).toBe(1);
      shop.h.sandbox.payments.wallets.delete("googlepay");
      const second = await open();
      // No wallet at all: no wallet area, no "or pay by card".
      expect(await second.page.locator("iframe[name^=cko-][name$=pay-frame]").count()).toBe(0);
      expect(await widget(second.page).locator("[part=separator]").count()).toBe(0);
      await page.close();
      await second.page.close();
    } finally {
      shop.h.sandbox.payments.wallets.add("applepay");
      shop.h.sandbox.payments.wallets.add("googlepay");
    }
  });
});

describe("the card form while paying", () => {
  it("cannot be edited while the payment is on its way, and is gone once paid; submit() resolves to the outcome", async () => {
    const { page, errors } = await open({ flow: "Inline" });
    await fillCard(page);
    await page.route("**/api/checkout/confirm", async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const result = page.evaluate(() =>
      (window as unknown as { checkout: { submit(): Promise<unknown> } }).checkout.submit(),
    );
    await page.waitForTimeout(400);
    // The shopper clicks into the card number and types: nothing reaches the field.
    const box = await page.locator("iframe[name=cko-card-frame]").boundingBox();
    if (!box) throw new Error("no card frame");
    await page.mouse.click(box.x + 40, box.y + 40);
    await page.keyboard.type("9999");
    expect(await card(page).getByLabel("Card number").inputValue()).toBe("4242 4242 4242 4242");
    await expect(result).resolves.toMatchObject({ type: "handoff-success", detail: { status: "approved" } });
    expect(await page.locator("iframe[name=cko-card-frame]").count()).toBe(0);
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("marks the fields an empty card is missing, not only a message", async () => {
    const { page } = await open();
    await payButton(page).click();
    await message(page).filter({ hasText: "Please complete your card details." }).waitFor();
    for (const label of Object.values(ENGLISH))
      await expect(card(page).getByLabel(label).getAttribute("aria-invalid")).resolves.toBe("true");
    // Focus goes to the first field to fix.
    const frame = page.frames().find((f) => f.name() === "cko-card-frame");
    await expect.poll(() => frame?.evaluate(() => document.activeElement?.id)).toBe("card-number");
    await screenshot(page, "widget-card-incomplete");
    await page.close();
  });

  it.each([
    ["en-GB", {}],
    ["de-DE", { pack: "de" }],
    ["fi-FI", { pack: "fi" }],
  ])(
    "%s: keeps the expiry label on one line at 390 px, its field level with the security code's",
    async (locale, pack) => {
      const { page } = await open({ locale, ...pack }, { width: 390, height: 844 });
      const frame = page.frames().find((f) => f.name() === "cko-card-frame");
      const layout = await frame?.evaluate(() => {
        const rect = (id: string) => (document.getElementById(id) as HTMLElement).getBoundingClientRect();
        const label = rect("card-expiry-label");
        const lineHeight = Number.parseFloat(
          getComputedStyle(document.getElementById("card-expiry-label") as Element).lineHeight,
        );
        return {
          labelHeight: label.height,
          lineHeight,
          expiryTop: rect("card-expiry").top,
          cvvTop: rect("card-cvv").top,
          // Nothing cut off on the right: the security code's label and field fit.
          overflow:
            (document.querySelector(".row") as HTMLElement).scrollWidth -
            (document.querySelector(".row") as HTMLElement).clientWidth,
          cvvRight: rect("card-cvv-label").right - document.documentElement.clientWidth,
        };
      });
      expect(layout?.overflow).toBe(0);
      expect(layout?.cvvRight).toBeLessThanOrEqual(0);
      expect(layout?.labelHeight).toBeLessThanOrEqual((layout?.lineHeight ?? 0) + 1);
      expect(layout?.expiryTop).toBe(layout?.cvvTop);
      await screenshot(page, `widget-390-${locale}`);
      await page.close();
    },
  );
});

const packSource = async (code: string) => {
  if (code === "en") return undefined;
  const source = await readFile(
    resolve(import.meta.dirname, `../../packages/elements/src/locales/${code}.ts`),
    "utf8",
  );
  return source;
};

describe("in the shopper's language", () => {
  it.each(LANGUAGES.map((l) => [l]))(
    "%s: Pay, the card fields and the outcome speak it; the amount is formatted in it",
    async (code) => {
      const pack =
        code === "en"
          ? undefined
          : ((await import(`../../packages/elements/src/locales/${code}.ts`)) as {
              strings: Strings;
              flow: FlowLabels;
            });
      expect((await packSource(code)) === undefined).toBe(code === "en");
      const locale = code === "nb" ? "nb-NO" : code === "en" ? "en-GB" : `${code}-${code.toUpperCase()}`;
      const { page, errors } = await open({ locale, ...(code === "en" ? {} : { pack: code }) });
      const flow = pack?.flow;
      const labels = labelsOf(flow);
      const amount = new Intl.NumberFormat(locale, { style: "currency", currency: "GBP" }).format(14.5);
      const payText = (pack?.strings.pay ?? "Pay {amount}").replace("{amount}", amount);
      await expect(payButton(page).textContent()).resolves.toBe(payText);
      await fillCard(page, "4242 4242 4242 4242", labels);
      const rtl = code === "ar";
      await expect(widget(page).locator("[part=container]").getAttribute("dir")).resolves.toBe(
        rtl ? "rtl" : "ltr",
      );
      const frameDir = await page
        .frames()
        .find((f) => f.name() === "cko-card-frame")
        ?.evaluate(() => document.documentElement.dir);
      expect(frameDir).toBe(rtl ? "rtl" : "ltr");
      expect(await axe(page)).toEqual([]);
      await payButton(page).click();
      await waitFor(page, "onSuccess");
      await message(page)
        .filter({ hasText: pack?.strings.success ?? "Payment successful. Thank you!" })
        .waitFor();
      expect(await axe(page)).toEqual([]);
      expect(errors, errors.join("\n")).toEqual([]);
      await page.close();
    },
  );

  it("answers a decline in the shopper's language too", async () => {
    const { page } = await open({ locale: "de-DE", pack: "de" });
    await fillCard(page, "4544 2491 6767 3670", {
      number: "Kartennummer",
      expiry: "Ablaufdatum (MM / JJ)",
      cvv: "Sicherheitscode",
    });
    await payButton(page).click();
    await waitFor(page, "onDecline");
    await message(page).filter({ hasText: "nicht ausreichend gedeckt" }).waitFor();
    await page.close();
  });
  it("speaks English throughout to a German browser on a page without the German pack", async () => {
    // Before: "Pay 14,50 £" (German amount, English word), a German card hint beside English labels.
    const { page, errors } = await open({}, { width: 390, height: 844 }, "de-DE");
    await expect(payButton(page).textContent()).resolves.toMatch(/^\s*Pay £14\.50\s*$/);
    await expect(widget(page).getAttribute("lang")).resolves.toBeNull();
    await expect(widget(page).locator("[part=container]").getAttribute("lang")).resolves.toBe("en");
    await expect(card(page).locator("body").textContent()).resolves.not.toMatch(/Testen Sie|Kartennummer/);
    await fillCard(page);
    await payButton(page).click();
    await waitFor(page, "onSuccess");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });
});

describe("looks and access", () => {
  it.each([
    ["en-GB", "desktop", "light", "card"],
    ["de-DE", "390", "dark", "card"],
    ["ar-SA", "390", "light", "googlepay"],
    ["ar-SA", "390", "dark", "card"],
    ["ja-JP", "desktop", "dark", "applepay"],
  ] as const)(
    "%s at %s, %s, paid by %s: no axe violations ready or paid, no console errors",
    async (locale, size, theme, method) => {
      const code = locale.slice(0, 2);
      const viewport = size === "390" ? { width: 390, height: 844 } : { width: 1280, height: 900 };
      const { page, errors } = await open(
        { locale, theme, ...(code === "en" ? {} : { pack: code }) },
        viewport,
      );
      expect(await axe(page)).toEqual([]);
      await screenshot(page, `widget-${code}-${size}-${theme}-ready`);
      if (method === "card") {
        const pack =
          code === "en" ? undefined : await import(`../../packages/elements/src/locales/${code}.ts`);
        const flow = (pack as { flow: FlowLabels } | undefined)?.flow;
        await fillCard(page, "4242 4242 4242 4242", labelsOf(flow));
        await payButton(page).click();
      } else await walletPays(page, method, "Approve", locale);
      await waitFor(page, "onSuccess");
      expect(await axe(page)).toEqual([]);
      await screenshot(page, `widget-${code}-${size}-${theme}-paid`);
      expect(errors, errors.join("\n")).toEqual([]);
      await page.close();
    },
    60_000,
  );
});
