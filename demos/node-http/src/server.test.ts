import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, fillCard, launchChromium } from "../../../test/support/chromium.js";
import { startShop } from "./server.js";

let sandbox: Sandbox;
let shop: Awaited<ReturnType<typeof startShop>>;
let browser: Browser;
let dir: string;
const webhookUrls: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-node-http-"));
  sandbox = createSandbox({ webhookUrls, captureDelayMs: 60_000 });
  await sandbox.listen();
  shop = await startShop(
    { CKO_ENVIRONMENT: "local", CKO_API_URL: sandbox.url, DATABASE_URL: `file:${join(dir, "shop.db")}` },
    sandbox.keys,
  );
  webhookUrls.push(`${shop.url}/webhooks/checkoutdotcom`);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the plain HTML + node:http example (demos/node-http)", () => {
  it("sells a mug through the script tag: card in Checkout.com's iframe, Pay, the order page", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const errors = collectPageErrors(page);
    await page.goto(shop.url);
    await fillCard(page);
    await page.locator("handoff-checkout").getByRole("button", { name: "Pay £14.50" }).click();
    await page.waitForURL(/\/orders\/ord_/);
    expect(await page.textContent("body")).toMatch(/Order ord_\w+: (authorized|captured)/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("receives the sandbox's signed webhooks and answers anything else with 404", async () => {
    const response = await fetch(`${shop.url}/webhooks/checkoutdotcom`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect((await fetch(`${shop.url}/nothing-here`)).status).toBe(404);
  });
});
