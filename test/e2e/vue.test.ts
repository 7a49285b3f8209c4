import { resolve } from "node:path";
import vue from "@vitejs/plugin-vue";
import type { Browser } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectPageErrors, fillCard, launchChromium, screenshot } from "../support/chromium.js";
import { startWidgetShop, type WidgetShop } from "./support/widget-shop.js";

let shop: WidgetShop;
let browser: Browser;
let app = "";

/** Builds the Vue fixture with Vite and the official Vue plugin, configured as the README says. */
async function buildVueApp(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: "silent",
    root: resolve(import.meta.dirname, "fixtures/vue"),
    plugins: [
      vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === "handoff-checkout" } } }),
    ],
    resolve: {
      conditions: ["@handoff/source", "module", "browser", "production"],
      // As an app that installed @handoff/elements resolves it (the workspace root does not depend on it).
      alias: { "@handoff/elements": resolve(import.meta.dirname, "../../packages/elements/src/index.ts") },
    },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      write: false,
      lib: { entry: "main.ts", formats: ["es"], fileName: () => "vue-app.js" },
      // One file, as the page loads one: the error screens' chunk is inlined, not split off.
      rolldownOptions: { output: { codeSplitting: false } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => ("output" in o ? o.output : [])).find((c) => c.type === "chunk");
  if (chunk?.type !== "chunk") throw new Error("the Vue fixture did not build");
  return chunk.code;
}

beforeAll(async () => {
  app = await buildVueApp();
  shop = await startWidgetShop("", {
    "/vue": () => ({
      type: "text/html; charset=utf-8",
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vue checkout</title>
<script type="module" src="/vue-app.js"></script></head><body><main><h1>Checkout</h1><div id="app"></div></main></body></html>`,
    }),
    "/vue-app.js": () => ({ type: "text/javascript", body: app }),
  });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

describe("<handoff-checkout> in a Vue 3 app built with Vite", () => {
  it("takes its props and object properties from Vue, pays, and Vue hears each event once", async () => {
    const cart = await shop.h.cart([{ sku: "poster", quantity: 1 }]);
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${shop.url}/vue?cart=${cart}`);
    const has = (name: string) =>
      page.waitForFunction(
        (n) => (window as unknown as { events?: Array<{ name: string }> }).events?.some((e) => e.name === n),
        name,
      );
    await has("onReady");
    await fillCard(page);
    await page.locator("handoff-checkout").getByRole("button", { name: /^Pay/ }).click();
    await has("onSuccess");
    // Vue rendered the outcome from the event's detail.
    await expect(page.locator("#paid").textContent()).resolves.toMatch(/^Thank you! Order ord_/);
    const names = await page.evaluate(() =>
      (window as unknown as { events: Array<{ name: string }> }).events.map((e) => e.name),
    );
    expect(names).toEqual(["onReady", "onTokenized", "onSuccess"]);
    // `:customer.prop` reached the element as an object and the order has the shopper's email.
    const orderId = (await page.locator("#paid").textContent())?.split(" ").pop() ?? "";
    expect((await shop.h.store.getOrder(orderId))?.customer?.email).toBe("ada@example.com");
    await screenshot(page, "vue-success");
    expect(errors, errors.join("\n")).toEqual([]);
    await page.close();
  });
});
