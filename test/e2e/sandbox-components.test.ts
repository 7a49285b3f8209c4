import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LANGUAGES } from "../../packages/elements/src/languages.js";
import { TEST_CARD_HINTS } from "../../packages/sandbox/src/browser/test-card-hint.js";
import { WALLET_BUTTON_LABELS } from "../../packages/sandbox/src/browser/wallet-button-label.js";
import { collectPageErrors, launchChromium, screenshot } from "../support/chromium.js";
import { startStaticServer } from "../support/static-server.js";

/**
 * The official @checkout.com/checkout-web-components loader, on a merchant page under a strict CSP,
 * finds the sandbox's emulation through `window.CheckoutWebComponents` and mounts card fields that
 * live in the sandbox's own origin.
 */
const require = createRequire(import.meta.url);
const loaderSource = readFileSync(
  require.resolve("@checkout.com/checkout-web-components/dist/index.module.js"),
  "utf8",
);

let sandbox: Sandbox;
let merchant: Awaited<ReturnType<typeof startStaticServer>>;
let browser: Browser;

const pageScript = `
import { loadCheckoutWebComponents } from "/loader.js";
const config = await (await fetch("/config.json" + location.search)).json();
const checkout = await loadCheckoutWebComponents({
  publicKey: config.publicKey,
  locale: new URLSearchParams(location.search).get("locale") ?? undefined,
  paymentSession: config.paymentSession,
  environment: "sandbox",
  onReady: () => { window.cardReady = true; },
  onChange: (component) => { window.cardValid = component.isValid(); },
  onPaymentCompleted: (_component, result) => { window.completed = result; },
});
const params = new URLSearchParams(location.search);
const wallet = params.get("wallet");
if (wallet) {
  // A wallet component, in the mode the test asks for; onTokenized answers as ?continue= says.
  window.tokenized = [];
  const mode = params.get("mode") ?? undefined;
  const options = { ...(mode ? { mode } : {}) };
  if (!params.has("noCallback"))
    options.onTokenized = async (_c, result) => {
      window.tokenized.push(result);
      return { continue: params.get("continue") === "true" };
    };
  try {
    const component = checkout.create(wallet, options);
    window.available = await component.isAvailable();
    if (window.available) component.mount("#card-container");
  } catch (error) {
    window.createError = { type: error.type, code: error.code };
  }
} else {
  const card = checkout.create("card");
  window.card = card;
  if (await card.isAvailable()) card.mount("#card-container");
}
`;

beforeAll(async () => {
  sandbox = createSandbox({ captureDelayMs: 60_000 });
  await sandbox.listen();
  const session = await fetch(`${sandbox.url}/payment-sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${sandbox.keys.secretKey}`, "content-type": "application/json" },
    body: JSON.stringify({ amount: 2500, currency: "EUR", reference: "ord_browser" }),
  }).then((r) => r.json());
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${sandbox.url}`,
    `frame-src ${sandbox.url}`,
    "connect-src 'self'",
    "style-src 'self'",
  ].join("; ");
  merchant = await startStaticServer((_req, url) => {
    const publicKey = url.searchParams.get("pk") ?? sandbox.keys.publicKey;
    if (url.pathname === "/") {
      return {
        headers: { "content-security-policy": csp },
        body: `<!doctype html><html lang="en"><head><title>Merchant</title>
<script src="${sandbox.url}/checkout-web-components/index.js"></script>
<script type="module" src="/page.js"></script></head>
<body><main><h1>Checkout</h1><div id="card-container"></div></main></body></html>`,
      };
    }
    if (url.pathname === "/page.js") return { type: "text/javascript", body: pageScript };
    if (url.pathname === "/loader.js") return { type: "text/javascript", body: loaderSource };
    if (url.pathname === "/config.json") {
      return { type: "application/json", body: JSON.stringify({ publicKey, paymentSession: session }) };
    }
    return undefined;
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await merchant?.close();
  await sandbox?.close();
});

async function openCheckout(query = ""): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  await page.goto(`${merchant.url}/${query}`);
  await page.waitForFunction(() => (window as unknown as { cardReady?: boolean }).cardReady === true);
  return { page, errors };
}

type WalletWindow = {
  tokenized: Array<{ type: string; data: { type: string; token: string; last4: string } }>;
  completed?: { id: string; status: string };
  createError?: { type: string; code: string };
};

async function approveWallet(page: Page, wallet: string) {
  const frame = page.frameLocator(`iframe[name=cko-${wallet}-frame]`);
  await frame.getByRole("button", { name: /^Pay with/ }).click();
  await frame.getByRole("button", { name: "Approve" }).click();
  await page.waitForFunction(() => (window as unknown as WalletWindow).tokenized.length > 0);
}

async function fillCard(page: Page, number: string, expiry = "12 / 34", cvv = "123") {
  const frame = page.frameLocator("iframe[name=cko-card-frame]");
  await frame.getByLabel("Card number").fill(number);
  await frame.getByLabel("Expiry date (MM / YY)").fill(expiry);
  await frame.getByLabel("Security code").fill(cvv);
}

describe("Checkout Web Components emulation in Chromium", () => {
  it("draws Flow's own Pay button unless told not to, and that button pays through the session, bypassing confirm", async () => {
    const { page, errors } = await openCheckout();
    await fillCard(page, "4242 4242 4242 4242");
    const frame = page.frameLocator("iframe[name=cko-card-frame]");
    await frame.getByRole("button", { name: "Pay" }).click();
    await page.waitForFunction(() => (window as unknown as { completed?: unknown }).completed !== undefined);
    const completed = await page.evaluate(
      () => (window as unknown as { completed: { id: string } }).completed,
    );
    expect(completed).toMatchObject({ id: expect.stringMatching(/^pay_/), status: "Approved" });
    // The charge Handoff must never allow: the session's amount, no confirm, no AccelerateToken.
    const payment = sandbox.payments.payments.get(completed.id);
    expect(payment).toMatchObject({ amount: 2500, reference: "ord_browser", metadata: {} });
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("keeps card fields in the sandbox's iframe and tokenizes through the official loader", async () => {
    const { page, errors } = await openCheckout();
    const frameUrl = await page.locator("iframe[name=cko-card-frame]").getAttribute("src");
    expect(new URL(frameUrl ?? "").origin).toBe(sandbox.url);
    expect(await page.locator("input").count()).toBe(0);

    await fillCard(page, "4242 4242 4242 4242");
    await page.waitForFunction(() => (window as unknown as { cardValid?: boolean }).cardValid === true);
    await screenshot(page, "sandbox-card-frame-filled");

    const result = await page.evaluate(async () => {
      const card = (window as unknown as { card: { tokenize(): Promise<unknown> } }).card;
      return card.tokenize();
    });
    expect(result).toMatchObject({ type: "card", data: { type: "card", bin: "424242", last4: "4242" } });
    const token = (result as { data: { token: string } }).data.token;
    expect(token).toMatch(/^tok_\w{26}$/);

    // The browser's token is what the merchant's server charges.
    const payment = await fetch(`${sandbox.url}/payments`, {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.keys.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ source: { type: "token", token }, amount: 2500, currency: "EUR" }),
    }).then((r) => r.json());
    expect(payment).toMatchObject({ approved: true, source: { last4: "4242" } });
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });

  it("ignores messages that do not come from its own iframe", async () => {
    const { page } = await openCheckout();
    await page.evaluate(() => {
      window.postMessage({ channel: "handoff-sandbox-card", type: "change", valid: true }, "*");
    });
    await page.waitForTimeout(50);
    const valid = await page.evaluate(() =>
      (window as unknown as { card: { isValid(): boolean } }).card.isValid(),
    );
    expect(valid).toBe(false);
    await page.close();
  });

  it("refuses to tokenize incomplete details with component_invalid", async () => {
    const { page } = await openCheckout();
    await fillCard(page, "4242", "12 / 34", "1");
    const error = await page.evaluate(async () => {
      const card = (window as unknown as { card: { tokenize(): Promise<unknown> } }).card;
      return card.tokenize().then(
        () => null,
        (e: { type: string; code: string }) => ({ type: e.type, code: e.code }),
      );
    });
    expect(error).toEqual({ type: "Submit", code: "component_invalid" });
    await page.close();
  });

  it("marks a mistyped card number (one that fails the Luhn check) instead of tokenizing it", async () => {
    const { page } = await openCheckout();
    await fillCard(page, "5588686416426417");
    const error = await page.evaluate(async () => {
      const card = (window as unknown as { card: { tokenize(): Promise<unknown> } }).card;
      return card.tokenize().then(
        () => null,
        (e: { type: string; code: string }) => ({ type: e.type, code: e.code }),
      );
    });
    expect(error).toEqual({ type: "Submit", code: "component_invalid" });
    await page.close();
  });

  it("reports a wrong public key as a failed tokenize request with status 401", async () => {
    const { page } = await openCheckout("?pk=pk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa");
    await fillCard(page, "4242424242424242");
    await page.waitForFunction(() => (window as unknown as { cardValid?: boolean }).cardValid === true);
    const error = await page.evaluate(async () => {
      const card = (window as unknown as { card: { tokenize(): Promise<unknown> } }).card;
      return card.tokenize().then(
        () => null,
        (e: { code: string; details: { status: number } }) => ({ code: e.code, status: e.details.status }),
      );
    });
    expect(error).toEqual({ code: "tokenize_request_failed", status: 401 });
    await page.close();
  });

  it.each(["applepay", "googlepay"])(
    "%s in tokenize mode hands onTokenized a wallet token and never pays, whatever the callback answers",
    async (wallet) => {
      const submits: string[] = [];
      const { page, errors } = await openCheckout(`?wallet=${wallet}&mode=tokenize&continue=true`);
      page.on("request", (r) => {
        if (r.url().includes("/submit")) submits.push(r.url());
      });
      await approveWallet(page, wallet);
      const [result] = await page.evaluate(() => (window as unknown as WalletWindow).tokenized);
      expect(result).toMatchObject({ type: wallet, data: { type: wallet, last4: "4242" } });
      expect(result?.data.token).toMatch(/^tok_\w{26}$/);
      await page.waitForTimeout(300);
      expect(submits).toEqual([]);
      expect(errors, errors.join("\n")).toEqual([]);
      await page.close();
    },
  );

  it("in pay mode (the default) a wallet pays by itself through the session: why Handoff uses tokenize", async () => {
    const { page } = await openCheckout("?wallet=googlepay&continue=true");
    await approveWallet(page, "googlepay");
    await page.waitForFunction(() => (window as unknown as WalletWindow).completed !== undefined);
    const completed = await page.evaluate(() => (window as unknown as WalletWindow).completed);
    expect(completed).toMatchObject({ status: "Approved" });
    expect(sandbox.payments.payments.get(completed?.id ?? "")).toMatchObject({
      metadata: {},
      card: { wallet: "googlepay" },
    });
    await page.close();
  });

  it("refuses a wallet in tokenize mode without onTokenized: on_tokenized_callback_required", async () => {
    const page = await browser.newPage();
    await page.goto(`${merchant.url}/?wallet=applepay&mode=tokenize&noCallback=1`);
    await page.waitForFunction(() => (window as unknown as WalletWindow).createError !== undefined);
    expect(await page.evaluate(() => (window as unknown as WalletWindow).createError)).toEqual({
      type: "Integration",
      code: "on_tokenized_callback_required",
    });
    await page.close();
  });

  it("tells the shopper which test card to use in the checkout's language, in every language the widget speaks", async () => {
    const hintOf = (frame: import("playwright-core").Frame | undefined) =>
      frame?.locator("#test-card-hint").textContent();
    const expected = (code: string) => TEST_CARD_HINTS[code]?.replace("{card}", "4242 4242 4242 4242");
    // Through the official loader: the checkout's locale reaches the card iframe.
    const { page, errors } = await openCheckout("?locale=ar-AE");
    expect(await hintOf(page.frames().find((f) => f.name() === "cko-card-frame"))).toBe(expected("ar"));
    await screenshot(page, "sandbox-card-hint-ar");
    expect(errors).toEqual([]);
    await page.close();
    // Then the frame itself in each language, as the emulation opens it.
    const frame = await browser.newPage();
    for (const code of LANGUAGES) {
      const config = { publicKey: sandbox.keys.publicKey, parentOrigin: sandbox.url, locale: `${code}-XX` };
      // A new document each time: a change of fragment alone would not load the frame again.
      await frame.goto("about:blank");
      await frame.goto(
        `${sandbox.url}/checkout-web-components/card-frame.html#${encodeURIComponent(JSON.stringify(config))}`,
      );
      await frame.waitForFunction((lang) => document.documentElement.lang === lang, config.locale);
      const hint = await hintOf(frame.mainFrame());
      expect(hint, code).toBe(expected(code));
      if (code !== "en") expect(hint, code).not.toContain("any future date");
    }
    await frame.close();
  });

  it("names its stand-in wallet buttons in every language the widget speaks, as the wallets do", () => {
    for (const code of LANGUAGES) {
      expect(WALLET_BUTTON_LABELS[code], code).toContain("{brand}");
      if (code !== "en") expect(WALLET_BUTTON_LABELS[code], code).not.toBe(WALLET_BUTTON_LABELS.en);
    }
  });
});
