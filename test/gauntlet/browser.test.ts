import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { startStaticServer } from "../support/static-server.js";
import { ledger } from "./support/ledger.js";
import { type GauntletShop, OPS_PASSWORD, OPS_TOKEN, startGauntletShop } from "./support/shop.js";

/**
 * In Chromium, as an attacker would try it: a page on the same site (another port) posting to the
 * ops API and pages with the operator's cookie; hostile fields in signed webhooks rendered in the
 * ops pages; and every byte a browser receives scanned for secrets.
 */
let g: GauntletShop;
let browser: Browser;
let attacker: Awaited<ReturnType<typeof startStaticServer>>;
let orderId = "";

beforeAll(async () => {
  g = await startGauntletShop();
  const cart = await g.cart([{ sku: "tote", quantity: 1 }]);
  orderId = ((await (await g.confirm(cart, g.token())).json()) as { orderId: string }).orderId;
  await g.sandbox.idle();
  attacker = await startStaticServer((_req, url) => {
    const target = url.searchParams.get("target") ?? "";
    // Auto-submitting forms: text/plain JSON to the API, a plain form to the page route.
    return {
      body: `<!doctype html><html><body>
<form id="api" method="POST" enctype="text/plain" action="${target}/ops/api/orders/${orderId}/refund"><input name='{"full":true,"x":"' value='"}'></form>
<form id="page" method="POST" action="${target}/ops/orders/${orderId}/refund"><input name="amount" value=""></form>
<iframe name="sink"></iframe>
<script>
document.getElementById("api").target = "sink"; document.getElementById("api").submit();
setTimeout(() => document.getElementById("page").submit(), 300);
</script></body></html>`,
    };
  });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await attacker?.close();
  await g?.close();
});

async function operatorContext(): Promise<BrowserContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${g.url}/ops/login`);
  await page.getByLabel("Name").fill("admin");
  await page.getByLabel("Password").fill(OPS_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${g.url}/ops/`);
  await page.close();
  return context;
}

const refunded = () =>
  [...g.sandbox.payments.payments.values()]
    .filter((p) => p.reference === orderId)
    .reduce((sum, p) => sum + p.balances.total_refunded, 0);

describe("attacks in a real browser", () => {
  it("refuses cross-site posts, runs no injected script, and shows no secret", async () => {
    const context = await operatorContext();
    const answers: Array<{ url: string; status: number }> = [];
    const bodies: string[] = [];
    context.on("response", async (response) => {
      answers.push({ url: response.url(), status: response.status() });
      const type = response.headers()["content-type"] ?? "";
      if (/text|json|javascript/.test(type)) bodies.push(await response.text().catch(() => ""));
    });

    // CSRF: the operator, signed in, visits another site on the same host.
    const evil = await context.newPage();
    await evil.goto(`${attacker.url}/?target=${encodeURIComponent(g.url)}`);
    await evil.waitForTimeout(1200);
    await g.sandbox.idle();
    const crossSite = answers.filter((a) => a.url.includes(`/orders/${orderId}/refund`));

    // XSS: hostile fields in authentic (signed) webhooks, rendered in the ops pages.
    const hostile = `<img src=x onerror="window.__xss=1">"'><script>window.__xss=1</script>`;
    const payment = [...g.sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    await g.sendWebhook(
      JSON.stringify({
        id: "evt_hostilehostilehostilehostileho",
        type: "payment_captured",
        created_on: new Date().toISOString(),
        data: {
          id: payment?.id,
          reference: orderId,
          amount: 1800,
          currency: "GBP",
          metadata: { note: hostile },
        },
      }),
    );
    await g.sendWebhook(
      JSON.stringify({
        id: "evt_disputehostiledisputehostiled",
        type: "dispute_evidence_required",
        created_on: new Date().toISOString(),
        data: {
          id: "dsp_hostile",
          payment_id: payment?.id,
          reason_code: hostile,
          amount: 1800,
          currency: "GBP",
        },
      }),
    );
    await g.sendWebhook(
      JSON.stringify({ id: "evt_unknowntypeunknowntypeunknownt", type: hostile, data: {} }),
    );
    await new Promise((r) => setTimeout(r, 1500));
    const ops = await context.newPage();
    let dialogs = 0;
    ops.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    let executed = 0;
    const pages = [
      "/ops/",
      `/ops/orders/${orderId}`,
      "/ops/webhooks",
      "/ops/webhooks/evt_hostilehostilehostilehostileho",
      "/ops/webhooks/evt_disputehostiledisputehostiled",
      `/ops/?q=${encodeURIComponent(hostile)}`,
      "/ops/rejected",
    ];
    for (const path of pages) {
      await ops.goto(`${g.url}${path}`);
      if (await ops.evaluate(() => (window as { __xss?: number }).__xss === 1)) executed++;
    }

    // The shopper's pages too, through a purchase.
    const shopper = await context.newPage();
    await shopper.goto(`${g.url}/`);
    await shopper.getByLabel(/Enamel camp mug/).fill("1");
    await shopper.getByRole("button", { name: "Go to checkout" }).click();
    await shopper.getByLabel("Email for your receipt").fill("shopper@example.com");
    await shopper.getByRole("button", { name: "Continue to payment" }).click();
    await shopper.locator("handoff-checkout").getByRole("button", { name: /^Pay/ }).waitFor();
    await shopper.waitForTimeout(300);
    const secrets = [g.sandbox.keys.secretKey, g.sandbox.keys.signatureKey, OPS_TOKEN];
    const leaks = bodies.filter((b) => secrets.some((s) => b.includes(s))).length;
    await context.close();

    ledger("browser", [
      { check: "cross-site posts answered", expected: 2, actual: crossSite.length },
      {
        check: "cross-site posts refused (401 API, 403 page)",
        expected: "401,403",
        actual: crossSite
          .map((a) => a.status)
          .sort()
          .join(","),
      },
      { check: "money refunded by cross-site posts", expected: 0, actual: refunded() },
      { check: "injected scripts run in the ops pages", expected: 0, actual: executed + dialogs },
      { check: `responses scanned for secrets (${bodies.length})`, expected: 0, actual: leaks },
    ]);
  }, 120_000);
});
