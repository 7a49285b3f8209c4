import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Debian's Chromium, never a downloaded build. The flags keep it from reaching for the network
 * this machine does not have (ARCHITECTURE §5).
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Screenshots kept as test artifacts for review, under test-results/screenshots. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = resolve(import.meta.dirname, "../../test-results/screenshots");
  await mkdir(dir, { recursive: true });
  const path = resolve(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Fails the test on any console error or CSP violation the page reports. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Types a card into Checkout.com's card iframe (the sandbox's emulation of it), as a shopper would. */
export async function fillCard(page: Page, number = "4242 4242 4242 4242", expiry = "12 / 34", cvv = "123") {
  const frame = page.frameLocator("iframe[name=cko-card-frame]");
  await frame.getByLabel("Card number").fill(number);
  await frame.getByLabel("Expiry date (MM / YY)").fill(expiry);
  await frame.getByLabel("Security code").fill(cvv);
}

/**
 * Clicks the widget's Pay button as a shopper would: scrolled into view first, then clicked once
 * the page has painted there. Clicking while Playwright scrolls can land on Checkout.com's card
 * iframe, which the browser still hit-tests at its old place (seen with a tall checkout page).
 */
export async function clickPay(page: Page, name: string | RegExp = /^Pay/): Promise<void> {
  const pay = page.locator("handoff-checkout").getByRole("button", { name });
  await pay.scrollIntoViewIfNeeded();
  await page.evaluate(
    () => new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted))),
  );
  await pay.click();
}
