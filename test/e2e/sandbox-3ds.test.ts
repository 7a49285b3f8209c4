import { createSandbox, type Sandbox } from "@handoff/sandbox";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot } from "../support/chromium.js";
import { startStaticServer } from "../support/static-server.js";

/** The sandbox's 3-D Secure challenge, driven by a shopper in Chromium. */
let sandbox: Sandbox;
let merchant: Awaited<ReturnType<typeof startStaticServer>>;
let browser: Browser;

beforeAll(async () => {
  sandbox = createSandbox({ captureDelayMs: 60_000 });
  await sandbox.listen();
  merchant = await startStaticServer((_req, url) =>
    url.pathname === "/paid" || url.pathname === "/failed"
      ? {
          body: `<!doctype html><title>${url.pathname}</title><p id="session">${url.searchParams.get("cko-session-id")}</p>`,
        }
      : undefined,
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await merchant?.close();
  await sandbox?.close();
});

async function challengePayment(): Promise<{ id: string; redirect: string }> {
  const headers = { "content-type": "application/json" };
  const token = await fetch(`${sandbox.url}/tokens`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${sandbox.keys.publicKey}` },
    body: JSON.stringify({
      type: "card",
      number: "4010061700000021",
      expiry_month: 1,
      expiry_year: 2040,
      cvv: "100",
    }),
  }).then((r) => r.json());
  const payment = await fetch(`${sandbox.url}/payments`, {
    method: "POST",
    headers: { ...headers, authorization: `Bearer ${sandbox.keys.secretKey}` },
    body: JSON.stringify({
      source: { type: "token", token: token.token },
      amount: 4999,
      currency: "GBP",
      "3ds": { enabled: true },
      success_url: `${merchant.url}/paid`,
      failure_url: `${merchant.url}/failed`,
    }),
  }).then((r) => r.json());
  return { id: payment.id, redirect: payment._links.redirect.href };
}

async function status(id: string) {
  return fetch(`${sandbox.url}/payments/${id}`, {
    headers: { authorization: `Bearer ${sandbox.keys.secretKey}` },
  }).then((r) => r.json());
}

describe("3-D Secure challenge in Chromium", () => {
  it("rejects a wrong password, then authenticates with Checkout1! and returns to success_url", async () => {
    const { id, redirect } = await challengePayment();
    const page = await browser.newPage();
    await page.goto(redirect);
    await expect(page.getByRole("heading", { name: "Verify your payment" }).isVisible()).resolves.toBe(true);
    expect(await page.textContent("main")).toContain("£49.99");
    await screenshot(page, "sandbox-3ds-challenge");

    await page.getByLabel("Password").fill("guess");
    await page.locator("#txtButton").click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/not right/);

    await page.getByLabel("Password").fill("Checkout1!");
    await page.locator("#txtButton").click();
    await page.waitForURL(/\/paid\?/);
    const sid = new URL(page.url()).searchParams.get("cko-session-id");
    expect(sid).toMatch(/^sid_\w{26}$/);

    const bySession = await status(sid ?? "");
    expect(bySession).toMatchObject({
      id,
      status: "Authorized",
      approved: true,
      "3ds": { challenged: true },
    });
    await page.close();
  });

  it("fails authentication with the fail button and returns to failure_url", async () => {
    const { id, redirect } = await challengePayment();
    const page = await browser.newPage();
    await page.goto(redirect);
    await page.locator("#failButton").click();
    await page.waitForURL(/\/failed\?cko-session-id=sid_/);
    expect(await status(id)).toMatchObject({ status: "Declined", response_code: "20151" });
    const types = sandbox.webhooks.events.filter((e) => e.subject === id).map((e) => e.type);
    expect(types).toEqual(["payment_pending", "payment_authentication_failed"]);
    // A finished challenge cannot be replayed; the page leads back to the shop, to where a failure goes.
    await page.goto(redirect);
    expect(await page.textContent("body")).toContain("already complete");
    await page.getByRole("link", { name: "Return to the shop" }).click();
    await page.waitForURL(/\/failed\?cko-session-id=sid_/);
    await page.close();
  });
});
