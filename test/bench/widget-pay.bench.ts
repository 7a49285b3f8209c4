import type { BenchResult } from "../../scripts/bench.js";
import { buildScriptTagBundle, startWidgetShop } from "../e2e/support/widget-shop.js";
import { fillCard, launchChromium } from "../support/chromium.js";
import { percentile } from "./support/stats.js";

/**
 * Click Pay → success shown, in headless Chromium against the local sandbox and the real confirm
 * endpoint (tokenize in the card iframe, confirm, SQLite writes, render), timed inside the page.
 * Target ≤ 120 ms p50.
 */
const RUNS = 15;

export async function run(): Promise<BenchResult[]> {
  const shop = await startWidgetShop(await buildScriptTagBundle());
  const browser = await launchChromium();
  const samples: number[] = [];
  try {
    for (let i = 0; i < RUNS + 2; i++) {
      const page = await browser.newPage();
      await page.goto(`${shop.url}/?cart=${await shop.h.cart()}`);
      await page.waitForFunction(() =>
        (window as unknown as { events: Array<{ name: string }> }).events.some((e) => e.name === "onReady"),
      );
      await fillCard(page);
      // Timed in the page, from the click's event to the first frame after the success text is in
      // the DOM: what the shopper waits for, without the test driver's own steps before it clicks
      // (scrolling, actionability checks: 45–60 ms here) or its polling after.
      const shown = page.evaluate(
        () =>
          new Promise<number>((done) => {
            const element = document.querySelector("handoff-checkout") as HTMLElement;
            let clicked = 0;
            element.addEventListener("click", () => (clicked ||= performance.now()), { capture: true });
            new MutationObserver((_, observer) => {
              if (!clicked || !element.shadowRoot?.textContent?.includes("Payment successful")) return;
              observer.disconnect();
              requestAnimationFrame(() => done(performance.now() - clicked));
            }).observe(element.shadowRoot as ShadowRoot, {
              subtree: true,
              childList: true,
              characterData: true,
            });
          }),
      );
      await page.locator("handoff-checkout").getByRole("button", { name: /^Pay/ }).click();
      const ms = await shown;
      if (i >= 2) samples.push(ms);
      await page.close();
    }
  } finally {
    await browser.close();
    await shop.close();
  }
  const p50 = percentile(samples, 50);
  return [
    {
      name: "widget click Pay → success shown p50",
      value: p50,
      unit: "ms",
      target: "<= 120 ms",
      met: p50 <= 120,
      detail: { runs: RUNS, p90: percentile(samples, 90) },
    },
  ];
}
