import { resolve } from "node:path";
import type { Browser } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickPay, collectPageErrors, fillCard, launchChromium, screenshot } from "../support/chromium.js";
import { startWidgetShop, type WidgetShop } from "./support/widget-shop.js";

let shop: WidgetShop;
let browser: Browser;
/** React 19 is the workspace's; React 18 is installed beside it as react-18 / react-dom-18. */
const REACT_VERSIONS = ["19", "18"] as const;
const apps: Record<string, string> = {};

/** Bundles the React fixture in development mode, so StrictMode's double mount really happens. */
async function buildReactApp(version: (typeof REACT_VERSIONS)[number]): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: "silent",
    mode: "development",
    root: resolve(import.meta.dirname, "fixtures/react"),
    resolve: {
      conditions: ["@handoff/source", "module", "browser", "development"],
      alias: version === "18" ? { react: "react-18", "react-dom": "react-dom-18" } : {},
    },
    define: { "process.env.NODE_ENV": JSON.stringify("development") },
    build: {
      write: false,
      minify: false,
      lib: { entry: "main.tsx", formats: ["es"], fileName: () => "react-app.js" },
      // One file, as the page loads one: the error screens' chunk is inlined, not split off.
      rolldownOptions: { output: { codeSplitting: false } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  const chunk = outputs.flatMap((o) => ("output" in o ? o.output : [])).find((c) => c.type === "chunk");
  if (chunk?.type !== "chunk") throw new Error("the React fixture did not build");
  return chunk.code;
}

beforeAll(async () => {
  for (const version of REACT_VERSIONS) apps[version] = await buildReactApp(version);
  shop = await startWidgetShop("", {
    "/react": reactPage,
    "/react-loader.js": () => ({
      type: "text/javascript",
      body: 'import(`/react-${new URLSearchParams(location.search).get("react")}.js`);',
    }),
    ...Object.fromEntries(
      REACT_VERSIONS.map((v) => [`/react-${v}.js`, () => ({ type: "text/javascript", body: apps[v] ?? "" })]),
    ),
  });
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

// The page loads the app for the React version its query names (a static page: the CSP allows no inline script).
const reactPage = () => ({
  type: "text/html; charset=utf-8",
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>React checkout</title>
<script type="module" src="/react-loader.js"></script></head><body><main><h1>Checkout</h1><div id="root"></div></main></body></html>`,
});

describe.each(REACT_VERSIONS)("@handoff/react under React %s StrictMode", (version) => {
  it("mounts the card once, pays, reports each event once, and sends who pays", async () => {
    const cart = await shop.h.cart([{ sku: "poster", quantity: 1 }]);
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${shop.url}/react?cart=${cart}&react=${version}`);
    await page.waitForFunction(() =>
      (window as unknown as { events?: Array<{ name: string }> }).events?.some((e) => e.name === "onReady"),
    );
    expect(await page.evaluate(() => (window as unknown as { reactVersion: string }).reactVersion)).toMatch(
      new RegExp(`^${version}\\.`),
    );
    expect(await page.locator("iframe[name=cko-card-frame]").count()).toBe(1);
    await fillCard(page);
    await clickPay(page);
    await page.waitForFunction(() =>
      (window as unknown as { events?: Array<{ name: string }> }).events?.some((e) => e.name === "onSuccess"),
    );
    await screenshot(page, `react-${version}-strictmode-success`);
    const names = await page.evaluate(() =>
      (window as unknown as { events: Array<{ name: string }> }).events.map((e) => e.name),
    );
    expect(names).toEqual(["onReady", "onTokenized", "onSuccess"]);
    // Who pays reaches the order (and Checkout.com) through the wrapper's object properties.
    const success = await page.evaluate(
      () =>
        (window as unknown as { events: Array<{ name: string; detail: { orderId: string } }> }).events.find(
          (e) => e.name === "onSuccess",
        )?.detail.orderId ?? "",
    );
    expect(await shop.h.store.getOrder(success)).toMatchObject({
      customer: { email: `react-${version}@example.com` },
      billing: { country: "IE" },
    });
    expect(errors.filter((e) => !/dev mode|Download the React DevTools/.test(e))).toEqual([]);
    await page.close();
  });
});
