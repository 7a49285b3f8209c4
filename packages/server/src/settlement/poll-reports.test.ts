import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckoutComProcessor } from "../processor/checkout-com.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import type { ReportPollSchedule } from "./poll-reports.js";
import { createSettlement, type SettlementService } from "./setup.js";

/**
 * The fallback for a lost `report_generated`, over the real parts: the sandbox over HTTP (behind a
 * pass-through proxy that can answer 429 for `GET /reports`, as Checkout.com's rate limit would),
 * the official SDK's reports client, SQLite or PostgreSQL. Reports whose webhook never came are
 * found by listing, read like any other, and their payouts reconcile; listing again changes
 * nothing; an interrupted listing resumes at its page; two instances never list at once.
 */
let h: WebhookHarness;
let proxy: Server;
let proxyUrl: string;
/** Requests the proxy passed on or refused, as `METHOD path?query`. */
const seen: string[] = [];
/** `GET /reports` requests this says yes to are answered 429. */
let refuse: (url: URL) => boolean = () => false;
/** A pause before each `GET /reports` is passed on. */
let listDelayMs = 0;
const instances: SettlementService[] = [];

beforeAll(async () => {
  h = await startWebhookHarness();
  proxy = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", h.sandbox.url);
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.method === "GET" && url.pathname === "/reports") {
      if (listDelayMs > 0) await new Promise((r) => setTimeout(r, listDelayMs));
      if (refuse(url)) {
        res.writeHead(429, { "content-type": "application/json" }).end("{}");
        return;
      }
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(name))
        headers.set(name, value);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${h.sandbox.url}${url.pathname}${url.search}`, {
      method: req.method ?? "GET",
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    res
      .writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      })
      .end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of instances) await s.stop();
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await h.close();
});

/** Another Handoff instance's settlement on the same database, reading Checkout.com (the sandbox) through the proxy. */
function instance(reportPoll: Partial<ReportPollSchedule> = {}): SettlementService {
  const { config } = h.service;
  const settlement = createSettlement({
    db: h.db,
    source: new CheckoutComProcessor({
      secretKey: config.secretKey,
      publicKey: config.publicKey,
      host: proxyUrl,
      balancesUrl: proxyUrl,
      timeoutMs: 5000,
      retry: { attempts: 2, baseDelayMs: 5 },
    }),
    logger: pino({ level: "silent" }),
    now: () => new Date(),
    settings: { reportPoll: { everyMs: 0, pageSize: 1, firstRetryMs: 1, overlapMs: 60_000, ...reportPoll } },
  });
  instances.push(settlement);
  return settlement;
}

async function paidOrder() {
  const { orderId } = await h.paidOrder();
  expect((await h.store.getOrder(orderId))?.status).toBe("captured");
  return orderId;
}

/** A settlement day whose report_generated webhooks are lost: the sandbox has nowhere to send them. */
async function settleDayWebhookLost(): Promise<Array<{ id: string; currency: string; amount: string }>> {
  const urls = h.sandbox.webhookUrls;
  h.sandbox.webhookUrls = [];
  try {
    const response = await fetch(`${h.sandbox.url}/_sandbox/settle`, { method: "POST" });
    expect(response.status).toBe(201);
    const run = (await response.json()) as {
      payouts: Array<{ id: string; currency: string; amount: string }>;
    };
    await h.waitUntilQuiet();
    return run.payouts;
  } finally {
    h.sandbox.webhookUrls = urls;
  }
}

const count = async (sql: string) => Number((await h.db.execute(sql)).rows[0]?.n);

async function snapshot() {
  return {
    reports: (
      await h.db.execute("SELECT report_id, status, lines FROM settlement_reports ORDER BY report_id")
    ).rows,
    lines: await count("SELECT COUNT(*) AS n FROM settlement_lines"),
    outbox: await count("SELECT COUNT(*) AS n FROM outbox"),
    orders: (await h.db.execute("SELECT * FROM settlement_orders ORDER BY order_id")).rows,
    payouts: (await h.db.execute("SELECT * FROM settlement_payouts ORDER BY payout_id")).rows,
  };
}

async function expectReconciled(payouts: Array<{ id: string }>, orderIds: string[], s: SettlementService) {
  for (const orderId of orderIds)
    expect((await s.store.orderSettlement(orderId)).settlement, orderId).toMatchObject({ status: "settled" });
  for (const p of payouts) {
    const stored = await s.store.payout(p.id);
    expect(stored?.amount, p.id).toBeDefined();
    expect(stored?.amount, p.id).toBe(stored?.net);
    expect(stored?.exceptions, p.id).toBe(0);
  }
  const reconciled = (
    await h.db.execute("SELECT payload_json FROM outbox WHERE type = 'payout.reconciled'")
  ).rows.map((r) => String(r.payload_json));
  for (const p of payouts)
    expect(
      reconciled.some((e) => e.includes(p.id)),
      p.id,
    ).toBe(true);
}

describe("listing GET /reports when report_generated is lost", () => {
  it("finds the reports whose webhook never came, reads them, and their payouts reconcile; listing again changes nothing", async () => {
    const orderId = await paidOrder();
    const payouts = await settleDayWebhookLost();
    expect(payouts).toHaveLength(1);
    // Handoff heard nothing.
    expect(await count("SELECT COUNT(*) AS n FROM settlement_reports")).toBe(0);

    const a = instance();
    await a.drain();
    expect(a.lastReportPoll).toMatchObject({ status: "listed", queued: 2, listed: 2 });
    // A page at a time (limit=1), following _links.next: the Financial Actions report and the Payouts report.
    const lists = seen.filter((r) => r.startsWith("GET /reports?"));
    expect(lists).toHaveLength(2);
    expect(lists[0]).toMatch(/created_after=.*created_before=.*limit=1/);
    expect(lists[1]).toMatch(/pagination_token=/);
    expect((await h.db.execute("SELECT status, event_id FROM settlement_reports")).rows).toEqual([
      { status: "ingested", event_id: null },
      { status: "ingested", event_id: null },
    ]);
    await expectReconciled(payouts, [orderId], a);
    const poll = await a.store.reportPoll();
    expect(poll).toMatchObject({ attempts: 0, page_token: null, window_before: null, last_error: null });
    expect(poll?.cursor).toEqual(expect.any(String));

    // Due again at once (everyMs 0): the overlap lists the same two reports, and nothing changes.
    const before = await snapshot();
    await a.drain();
    expect(a.lastReportPoll).toMatchObject({ status: "listed", queued: 0, listed: 2 });
    expect(await snapshot()).toEqual(before);
    // The window starts a minute (the overlap) before the last one ended.
    const window = (a.lastReportPoll as { window: { after: string } }).window;
    expect(Date.parse(window.after)).toBe(Date.parse(String(poll?.cursor)) - 60_000);
  });

  it("a report both announced and listed is stored and read once", async () => {
    const orderId = await paidOrder();
    const response = await fetch(`${h.sandbox.url}/_sandbox/settle`, { method: "POST" });
    expect(response.status).toBe(201);
    const run = (await response.json()) as { payouts: Array<{ id: string }> };
    await h.waitUntilQuiet();
    const a = instance();
    const asked = seen.length;
    await a.drain();
    // The webhooks queued both reports; the listing found them known and queued nothing.
    expect(a.lastReportPoll).toMatchObject({ status: "listed", queued: 0 });
    const reports = (await h.db.execute("SELECT report_id, event_id FROM settlement_reports")).rows;
    expect(reports).toHaveLength(4);
    expect(reports.filter((r) => r.event_id !== null)).toHaveLength(2);
    // Each new report read once: one GET /reports/{id} apiece.
    const details = seen.slice(asked).filter((r) => /^GET \/reports\/rpt_\w+$/.test(r));
    expect(new Set(details).size).toBe(details.length);
    await expectReconciled(run.payouts, [orderId], a);
  });

  it("an interrupted listing keeps its cursor and resumes at the page it reached, after a wait", async () => {
    const orders = [await paidOrder()];
    const payouts = await settleDayWebhookLost();
    orders.push(await paidOrder());
    payouts.push(...(await settleDayWebhookLost()));
    const a = instance({ firstRetryMs: 1000 });
    const cursor = (await a.store.reportPoll())?.cursor;

    // Checkout.com answers the first page, then 429s (past the client's own retries).
    refuse = (url) => url.searchParams.has("pagination_token");
    await a.drain();
    expect(a.lastReportPoll).toMatchObject({ status: "failed", pages: 1, queued: 1, attempts: 1 });
    expect((a.lastReportPoll as { error: string }).error).toMatch(/429/);
    const held = await a.store.reportPoll();
    expect(held).toMatchObject({ cursor, attempts: 1, last_error: expect.stringMatching(/429/) });
    expect(held?.page_token).toEqual(expect.any(String));
    // The one report listed was read; the payouts are not whole yet.
    expect(await count("SELECT COUNT(*) AS n FROM settlement_reports WHERE event_id IS NULL")).toBe(3);

    // Backing off: a pass right away does not list.
    refuse = () => false;
    const asked = seen.length;
    await a.drain();
    expect(a.lastReportPoll).toEqual({ status: "skipped" });
    expect(seen.slice(asked).filter((r) => r.startsWith("GET /reports?"))).toEqual([]);

    // After the wait, the listing resumes with the page token it had reached, not from the first page.
    await new Promise((r) => setTimeout(r, 1100));
    await a.drain();
    expect(a.lastReportPoll).toMatchObject({ status: "listed", queued: 3 });
    const resumed = seen.slice(asked).filter((r) => r.startsWith("GET /reports?"));
    expect(new URL(resumed[0] ?? "", proxyUrl).searchParams.get("pagination_token")).toBe(held?.page_token);
    expect(resumed.every((r) => r.includes("pagination_token="))).toBe(true);
    const done = await a.store.reportPoll();
    expect(done).toMatchObject({
      attempts: 0,
      page_token: null,
      last_error: null,
      cursor: held?.window_before,
    });
    await expectReconciled(payouts, orders, a);
  });

  it("two instances polling at once: one lists, the other skips, every report read once", async () => {
    const orderId = await paidOrder();
    const payouts = await settleDayWebhookLost();
    const b = instance({ everyMs: 3_600_000 });
    const c = instance({ everyMs: 3_600_000 });
    listDelayMs = 50;
    const asked = seen.length;
    try {
      await Promise.all([b.drain(), c.drain()]);
    } finally {
      listDelayMs = 0;
    }
    const outcomes = [b.lastReportPoll?.status, c.lastReportPoll?.status].sort();
    expect(outcomes).toEqual(["listed", "skipped"]);
    const firstPages = seen
      .slice(asked)
      .filter((r) => r.startsWith("GET /reports?") && !r.includes("pagination_token"));
    expect(firstPages).toHaveLength(1);
    const details = seen.slice(asked).filter((r) => /^GET \/reports\/rpt_\w+$/.test(r));
    expect(details).toHaveLength(2);
    await expectReconciled(payouts, [orderId], b);
    // Not due again for an hour, whichever instance asks.
    await Promise.all([b.drain(), c.drain()]);
    expect([b.lastReportPoll?.status, c.lastReportPoll?.status]).toEqual(["skipped", "skipped"]);
  });

  it("a listing another instance holds is left alone until its lease lapses; the instance that lost it stops", async () => {
    const d = instance();
    // Due now (the instances above put the next listing an hour away).
    await h.db.execute("UPDATE settlement_polls SET next_poll_at = ?", [new Date(0).toISOString()]);
    // Another instance (dead, say) holds the listing for 300 ms.
    expect(await d.store.claimReportPoll("other", 300)).toBeDefined();
    const asked = seen.length;
    await d.drain();
    expect(d.lastReportPoll).toEqual({ status: "skipped" });
    expect(seen.slice(asked).filter((r) => r.startsWith("GET /reports?"))).toEqual([]);
    await new Promise((r) => setTimeout(r, 350));
    await d.drain();
    expect(d.lastReportPoll).toMatchObject({ status: "listed" });
    // The lapsed holder comes back: its writes are refused, so it cannot move the cursor under the new holder.
    expect(
      await d.store.reportPollProgress(
        "other",
        { after: "2000-01-01T00:00:00Z", before: "2000-01-02T00:00:00Z" },
        1000,
      ),
    ).toBe(false);
    expect((await d.store.reportPoll())?.window_after).toBeNull();
  });
});
