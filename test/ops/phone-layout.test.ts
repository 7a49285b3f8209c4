import { pino } from "pino";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import { createSettlement } from "../../packages/server/src/settlement/setup.js";
import {
  REPORT_HEADER,
  RecordedSettlementSource,
  reportRow,
} from "../../packages/server/src/test-support/settlement-source.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { launchChromium, screenshot } from "../support/chromium.js";
import { type ServedConsole, serveOpsConsole } from "../support/ops-console.js";

/**
 * The pages a support person found cramped on a 390 px phone (date-time inputs, long order ids in the
 * payout and exception cards, a settlement problem's bullet) and the keyboard's way past the navigation.
 */
let h: WebhookHarness;
let served: ServedConsole;
let base: string;
let orderId = "";
const PAYOUT = "00000000PHON";
const ALICE = { name: "alice", password: "correct horse battery", token: "tok_alice_0123456789abcdef" };

beforeAll(async () => {
  h = await startWebhookHarness();
  const source = new RecordedSettlementSource();
  const settlement = createSettlement({
    db: h.db,
    source,
    logger: pino({ level: "silent" }),
    now: h.deps.now,
  });
  served = await serveOpsConsole(h, {
    auth: {
      operators: [
        {
          name: ALICE.name,
          passwordHash: hashPassword(ALICE.password),
          apiTokenHash: hashToken(ALICE.token),
        },
      ],
    },
    outbox: h.outbox,
    settlement,
  });
  base = served.origin;
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }]);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  await h.waitUntilQuiet();
  orderId = (reply.body as { orderId: string }).orderId;
  const paymentId = String((await h.store.attemptsOfOrder(orderId)).at(-1)?.paymentId);
  // Paid out less than was captured: a mismatch, on the payout, the exceptions and the order's panel.
  const rows = [
    reportRow({
      actionId: "act_p",
      paymentId,
      reference: orderId,
      amount: "28.00",
      payoutId: PAYOUT,
      breakdownType: "Capture",
    }),
    reportRow({
      actionType: "Payout",
      actionId: "act_po",
      amount: "-28.00",
      payoutId: PAYOUT,
      breakdownType: "Payout",
    }),
  ];
  await h.outbox?.store.saveDestination(
    {
      id: "erp-warehouse",
      url: "https://erp.example.com/hooks/handoff",
      secrets: ["whsec_phone_layout_0123456789"],
      events: ["order.*"],
      enabled: true,
      source: "ops",
    },
    new Date().toISOString(),
  );
  source.addReport("rpt_phone", PAYOUT, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
  await settlement.reportAnnounced("evt_phone", { report_id: "rpt_phone" });
  await settlement.drain();
});
afterAll(async () => {
  await served.close();
  await h.close();
});

async function signIn(page: Page) {
  await page.goto(`${base}/ops/login`);
  await page.getByLabel("Name").fill(ALICE.name);
  await page.getByLabel("Password").fill(ALICE.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/ops\/$/);
}

/** What does not fit at this width: the page wider than the screen, a card's text cut off, a bullet off its box. */
const misfits = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    const over = document.documentElement.scrollWidth - window.innerWidth;
    if (over > 1) found.push(`page ${over}px wider than the screen`);
    for (const wrap of document.querySelectorAll<HTMLElement>(".table-wrap"))
      if (wrap.scrollWidth > wrap.clientWidth + 1)
        found.push(
          `"${wrap.querySelector("td")?.textContent?.trim()}…" cut off by ${wrap.scrollWidth - wrap.clientWidth}px`,
        );
    for (const cell of document.querySelectorAll<HTMLElement>(".table-wrap td .cell"))
      if (cell.scrollWidth > cell.clientWidth + 1)
        found.push(`"${cell.textContent?.trim()}" clipped in its card`);
    for (const li of document.querySelectorAll<HTMLElement>("ul.notice li")) {
      const box = (li.parentElement as HTMLElement).getBoundingClientRect();
      // A bullet sits about 1.2em left of its item's text: it needs that much of the box's own padding.
      if (li.getBoundingClientRect().left - box.left < 18)
        found.push(`bullet outside its box: ${li.textContent}`);
    }
    return found;
  });

describe("on a 390 px phone", () => {
  it("fits the destinations form, the payout and exception cards, and a settlement problem's bullet", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page);
      const problems: string[] = [];
      for (const path of [
        "/ops/destinations",
        "/ops/destinations/erp-warehouse",
        `/ops/payouts/${PAYOUT}`,
        "/ops/settlement/exceptions",
        `/ops/orders/${orderId}`,
      ]) {
        await page.goto(`${base}${path}`);
        for (const misfit of await misfits(page)) problems.push(`${path}: ${misfit}`);
        await screenshot(page, `ops-phone${path.replace(/\//g, "-").replace(/-ord_[a-z0-9]+/g, "-ord")}`);
      }
      expect(problems).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 45_000);
});

describe("with a keyboard", () => {
  it("offers a skip link to the main content first, on every page", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page);
      for (const path of [
        "/ops/",
        `/ops/orders/${orderId}`,
        "/ops/payouts",
        "/ops/destinations",
        "/ops/login",
      ]) {
        await page.goto(`${base}${path}`);
        await page.keyboard.press("Tab");
        const first = await page.evaluate(() => ({
          text: document.activeElement?.textContent?.trim(),
          visible: (document.activeElement?.getBoundingClientRect().top ?? -1) >= 0,
        }));
        expect(first, path).toEqual({ text: "Skip to the main content", visible: true });
        await page.keyboard.press("Enter");
        expect(await page.evaluate(() => document.activeElement?.tagName), path).toBe("MAIN");
      }
      await screenshot(page, "ops-skip-link");
      await context.close();
    } finally {
      await browser.close();
    }
  }, 45_000);
});
