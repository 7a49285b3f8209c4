import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import express from "express";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import { createOpsRouter } from "../../packages/ops/src/router.js";
import { createSettlement, type SettlementService } from "../../packages/server/src/settlement/setup.js";
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

/** What finance staff see of settlement: payouts, each order's panel, exceptions, the CSV, the JSON API. */
let h: WebhookHarness;
let server: Server;
let base: string;
let settlement: SettlementService;
const source = new RecordedSettlementSource();
const ALICE = { name: "alice", password: "correct horse battery", token: "tok_alice_0123456789abcdef" };
const PAYOUT = "00000000CFJU";
const orders: string[] = [];

async function paidOrder(card?: string): Promise<{ orderId: string; paymentId: string }> {
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }]);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(card) });
  await h.waitUntilQuiet();
  const orderId = (reply.body as { orderId: string }).orderId;
  const paymentId = String((await h.store.attemptsOfOrder(orderId)).at(-1)?.paymentId);
  return { orderId, paymentId };
}

const api = async (path: string) => {
  const response = await fetch(`${base}/ops/api${path}`, {
    headers: { authorization: `Bearer ${ALICE.token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

beforeAll(async () => {
  h = await startWebhookHarness();
  settlement = createSettlement({ db: h.db, source, logger: pino({ level: "silent" }), now: h.deps.now });
  const app = express();
  app.use(
    "/ops",
    createOpsRouter(h.handoff, {
      auth: {
        operators: [
          {
            name: ALICE.name,
            passwordHash: hashPassword(ALICE.password),
            apiTokenHash: hashToken(ALICE.token),
          },
        ],
      },
      db: h.db,
      webhooks: h.webhooks,
      outbox: h.outbox,
      settlement,
    }),
  );
  server = createServer(app);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const a = await paidOrder();
  const b = await paidOrder();
  orders.push(a.orderId, b.orderId);
  const rows = [
    reportRow({
      actionId: "act_a",
      paymentId: a.paymentId,
      reference: a.orderId,
      amount: "29.00",
      payoutId: PAYOUT,
      breakdownType: "Capture",
    }),
    reportRow({
      actionId: "act_a",
      paymentId: a.paymentId,
      reference: a.orderId,
      amount: "-0.3125",
      payoutId: PAYOUT,
      breakdownType: "Gateway Fee",
      feeDetail: '=HYPERLINK("x")',
    }),
    reportRow({
      actionId: "act_b",
      paymentId: b.paymentId,
      reference: b.orderId,
      amount: "28.00",
      payoutId: PAYOUT,
      breakdownType: "Capture",
    }),
    reportRow({
      actionType: "Adjustment",
      actionId: "act_adj",
      amount: "-5.00",
      payoutId: PAYOUT,
      breakdownType: "Tiered Pricing Adjustment",
    }),
    reportRow({
      actionType: "Payout",
      actionId: "act_payout",
      amount: "-51.6875",
      payoutId: PAYOUT,
      breakdownType: "Payout",
    }),
  ];
  source.addReport("rpt_ops", PAYOUT, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
  await settlement.reportAnnounced("evt_ops", { report_id: "rpt_ops" });
  await settlement.drain();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await h.close();
});

describe("settlement in the ops console", () => {
  it("the order API carries each order's settlement as exact decimal strings", async () => {
    const settled = await api(`/orders/${orders[0]}`);
    expect(settled.body.settlement).toMatchObject({
      status: "settled",
      currency: "GBP",
      gross: "29.00",
      fees: "-0.3125",
      net: "28.6875",
      payoutId: PAYOUT,
    });
    const short = await api(`/orders/${orders[1]}`);
    expect(short.body.settlement).toMatchObject({ status: "mismatch", gross: "28.00", payoutId: PAYOUT });
  });

  it("the payouts API lists each payout with its totals and whether it adds up", async () => {
    const list = await api("/payouts");
    expect(list.body.data).toEqual([
      expect.objectContaining({
        payoutId: PAYOUT,
        net: "51.6875",
        amount: "51.6875",
        addsUp: true,
        orders: 2,
        exceptions: 2,
      }),
    ]);
    const one = await api(`/payouts/${PAYOUT}`);
    expect((one.body.orders as Array<{ orderId: string | null }>).map((o) => o.orderId)).toContain(null);
    expect((await api("/payouts/00000000NONE")).status).toBe(404);
    // A page link that is not one Handoff gave (edited by hand, or from an older version): a clear 400.
    expect(await api(`/payouts/${PAYOUT}?after=nope`)).toMatchObject({
      status: 400,
      body: { error: "INVALID_CURSOR" },
    });
  });

  it("exports a payout as CSV a spreadsheet cannot be tricked by", async () => {
    const response = await fetch(`${base}/ops/payouts/${PAYOUT}/export.csv`, {
      headers: { authorization: `Bearer ${ALICE.token}` },
    });
    // Pages need a signed-in operator: the bearer token is the API's alone.
    expect(response.url).toContain("/ops/login");
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await signIn(page);
      // The signed-in operator's download, with the session's cookie (the console's CSP allows no script).
      const csv = await (await context.request.get(`${base}/ops/payouts/${PAYOUT}/export.csv`)).text();
      const lines = csv.trim().split("\r\n");
      expect(lines[0]).toContain("Payout ID,Order ID,Action Type");
      expect(lines).toHaveLength(5);
      expect(csv).toContain(`${PAYOUT},${orders[0]},Capture,act_a`);
      expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
      expect(csv).toContain("-0.3125");
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it("payouts, a payout, the exceptions and an order's settlement panel are readable on a phone and axe-clean", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true });
      const page = await context.newPage();
      await signIn(page);
      const problems: string[] = [];
      const texts: Record<string, string> = {};
      for (const path of [
        "/ops/payouts",
        `/ops/payouts/${PAYOUT}`,
        "/ops/settlement/exceptions",
        `/ops/orders/${orders[0]}`,
      ]) {
        await page.goto(`${base}${path}`);
        texts[path] = (await page.textContent("main")) ?? "";
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) problems.push(`${path}: ${overflow}px wider than the screen`);
        await page.addScriptTag({
          path: resolve(import.meta.dirname, "../../node_modules/axe-core/axe.min.js"),
        });
        const violations = await page.evaluate(async () => {
          const axe = (
            window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string }> }> } }
          ).axe;
          return (await axe.run()).violations.map((v) => v.id);
        });
        for (const v of violations) problems.push(`${path}: ${v}`);
        await screenshot(
          page,
          `ops-settlement${path.replace(/\//g, "-").replace(/-ord_[a-z0-9]+/g, "-ord")}`,
        );
      }
      expect(problems).toEqual([]);
      // Money as the console writes it everywhere; the exact sub-penny figure stays in the title.
      expect(texts["/ops/payouts"]).toContain("£51.69");
      expect(texts["/ops/settlement/exceptions"]).toContain("act_adj");
      expect(texts["/ops/settlement/exceptions"]).toContain(String(orders[1]));
      expect(texts[`/ops/orders/${orders[0]}`]).toMatch(/Settlement.*Settled.*£28\.69/s);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 45_000);

  it("lists a long exceptions queue a page at a time, each row once, and refuses a forged page link", async () => {
    const payoutId = "00000000PAGE";
    const rows = Array.from({ length: 60 }, (_, i) =>
      reportRow({
        actionType: "Adjustment",
        actionId: `act_page_${String(i).padStart(2, "0")}`,
        amount: "-1.00",
        payoutId,
        breakdownType: "Tiered Pricing Adjustment",
      }),
    );
    source.addReport("rpt_page", payoutId, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
    await settlement.reportAnnounced("evt_page", { report_id: "rpt_page" });
    await settlement.drain();
    const page = async (path: string) => {
      const response = await fetch(`${base}/ops${path}`, { headers: { cookie } });
      return { status: response.status, text: await response.text() };
    };
    const cookie = await signInCookie();
    const seen: string[] = [];
    let next: string | undefined = "/settlement/exceptions";
    for (let pages = 0; next && pages < 5; pages++) {
      const { status, text } = await page(next);
      expect(status).toBe(200);
      seen.push(...[...text.matchAll(/act_page_\d\d/g)].map((m) => m[0]));
      const link = /href="([^"]*kind=orphans&amp;after=[^"]+)"/.exec(text)?.[1];
      next = link
        ?.replace(/&#x2F;/g, "/")
        .replace(/&amp;/g, "&")
        .replace(/^\/ops/, "");
    }
    expect(new Set(seen).size).toBe(60);
    expect(seen).toHaveLength(60);
    const forged = await page("/settlement/exceptions?kind=orphans&after=not-a-cursor");
    expect(forged.status).toBe(400);
    expect(forged.text).toContain("not valid any more");
    expect((await page("/settlement/exceptions?kind=nothing")).status).toBe(404);
  });

  it("shows each kind of fee once on the order, with its lines summed exactly", async () => {
    const c = await paidOrder();
    const payoutId = "00000000FEES";
    const line = (actionId: string, amount: string, breakdownType: string, feeDetail?: string) =>
      reportRow({
        actionId,
        paymentId: c.paymentId,
        reference: c.orderId,
        amount,
        payoutId,
        breakdownType,
        ...(feeDetail ? { feeDetail } : {}),
      });
    const rows = [
      line("act_c", "29.00", "Capture"),
      // Two actions charged a gateway fee; Checkout.com's detail only repeats the type.
      line("act_c", "-0.10", "Gateway Fee", "Gateway Fee"),
      line("act_c_3ds", "-0.10", "Gateway Fee", "Gateway Fee"),
      // One type, two details: one row, both details named.
      line("act_c", "-0.058", "Interchange", "Visa Interchange"),
      line("act_c_3ds", "-0.0031", "Interchange", "Visa Interchange Adjustment"),
    ];
    source.addReport("rpt_fees", payoutId, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
    await settlement.reportAnnounced("evt_fees", { report_id: "rpt_fees" });
    await settlement.drain();
    const cookie = await signInCookie();
    const html = await (await fetch(`${base}/ops/orders/${c.orderId}`, { headers: { cookie } })).text();
    expect(tableRows(html, "Fee, Amount")).toEqual([
      "Gateway Fee | -£0.20",
      "Interchange Visa Interchange, Visa Interchange Adjustment | -£0.06",
    ]);
    expect(text(html)).toMatch(/Fees -£0\.26 Net £28\.74/);
    expect(html).toContain('title="Exactly -0.2611 GBP"');
  });

  it("says plainly why a settlement does not match, and names an order paid out while held for review", async () => {
    // Risk-flagged: Handoff holds the order for review while Checkout.com auto-captures it.
    const held = await paidOrder("4000000000000101");
    expect((await h.store.getOrder(held.orderId))?.status).toBe("needs_review");
    const cookie = await signInCookie();
    const read = async (path: string) =>
      text(await (await fetch(`${base}/ops${path}`, { headers: { cookie } })).text());
    // Before any report: the payment panel says Checkout.com captured it, and the settlement panel agrees.
    const waiting = await read(`/orders/${held.orderId}`);
    expect(waiting).toMatch(/Captured £29\.00/);
    expect(waiting).toMatch(/Settlement Status Expected/);
    expect(waiting).not.toContain("No money was captured");
    const payoutId = "00000000HELD";
    const rows = [
      reportRow({
        actionId: "act_held",
        paymentId: held.paymentId,
        reference: held.orderId,
        amount: "29.00",
        payoutId,
        breakdownType: "Capture",
      }),
    ];
    source.addReport("rpt_held", payoutId, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
    await settlement.reportAnnounced("evt_held", { report_id: "rpt_held" });
    await settlement.drain();

    const exceptions = await read("/settlement/exceptions?kind=mismatches");
    // Order b: Checkout.com paid out less than Handoff captured, said as a sentence.
    expect(exceptions).toContain(
      `${orders[1]} Checkout.com paid out £28.00 for this order, but Handoff took £29.00 (captured, less refunds).`,
    );
    expect(exceptions).toContain(
      `${held.orderId} Settled while the order is held for review: Checkout.com captured £29.00 and paid it out`,
    );
    expect(exceptions).not.toMatch(/captured less refunded|Handoff took 0\.00/);

    const order = await read(`/orders/${held.orderId}`);
    expect(order).toMatch(/Settlement .*Status Settled while the order is held for review Gross £29\.00/);
    // The capture Checkout.com reported was news, kept out of the order while it waits: never "already on record".
    expect(order).toContain(
      "Checkout.com reported that the payment was captured; the order stays held for review until your team releases it",
    );
    expect(order).toContain("Kept aside: the order stays held for review until your team releases it");
    expect(order).not.toContain("Already on record: the payment was captured");
    expect(await read(`/payouts/${payoutId}`)).toContain(
      `${held.orderId} Settled while the order is held for review`,
    );
    const apiOrder = await api(`/orders/${held.orderId}`);
    expect(apiOrder.body.settlement).toMatchObject({
      status: "mismatch",
      problems: [{ code: "settled_in_review", settled: "29.00", currency: "GBP" }],
    });

    // Released by the team after the payout was read: the next pass compares the order again.
    const released = await fetch(`${base}/ops/api/orders/${held.orderId}/release`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE.token}` },
    });
    expect(released.status).toBe(200);
    expect((await h.store.getOrder(held.orderId))?.status).toBe("captured");
    settlement.wake();
    await settlement.drain();
    expect(await read("/settlement/exceptions?kind=mismatches")).not.toContain(held.orderId);
    expect((await api(`/orders/${held.orderId}`)).body.settlement).toMatchObject({ status: "settled" });
  });
});

/** A page's text as read on screen: tags gone, the template's escapes undone, spaces collapsed. */
function text(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x2F;/g, "/")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** The body rows of the table labelled `label`, each as its cells' text joined with " | ". */
function tableRows(html: string, label: string): string[] {
  const table = html.split(`aria-label="${label}"`)[1]?.split("</table>")[0] ?? "";
  const body = table.split("<tbody>")[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? "").matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => text(cell[1] ?? "")).join(" | "),
  );
}

async function signIn(page: import("playwright-core").Page) {
  await page.goto(`${base}/ops/login`);
  await page.getByLabel("Name").fill(ALICE.name);
  await page.getByLabel("Password").fill(ALICE.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/ops\/$/);
}

/** Signs in through the login form and returns the session cookie a browser would keep. */
async function signInCookie(): Promise<string> {
  const response = await fetch(`${base}/ops/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: ALICE.name, password: ALICE.password }),
  });
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}
