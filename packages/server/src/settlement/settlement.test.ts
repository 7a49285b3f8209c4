import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_HEADER, RecordedSettlementSource, reportRow } from "../test-support/settlement-source.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { processStoredEvent } from "../webhooks/process.js";
import { formatDecimal } from "./decimal.js";
import { ingestReport } from "./ingest-report.js";
import { createSettlement, type SettlementService } from "./setup.js";

/**
 * Settlement end to end on the real parts Handoff pays with (the sandbox over HTTP, the official
 * SDK, SQLite or PostgreSQL); Checkout.com's settlement answers come in their recorded shapes.
 */
let h: WebhookHarness;
let source: RecordedSettlementSource;
let settlement: SettlementService;

async function paidOrder(items = [{ sku: "mug", quantity: 2 }]) {
  const cartId = await h.cart(items);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  expect(reply.status).toBe(200);
  const { orderId } = reply.body as { orderId: string };
  await h.waitUntilQuiet();
  const order = await h.store.getOrder(orderId);
  expect(order?.status).toBe("captured");
  const attempt = (await h.store.attemptsOfOrder(orderId)).at(-1);
  return { orderId, paymentId: String(attempt?.paymentId) };
}

const count = async (sql: string, args: (string | number)[] = []) =>
  Number((await h.db.execute(sql, args)).rows[0]?.n);

const outboxOf = async (type: string) =>
  (await h.db.execute("SELECT payload_json FROM outbox WHERE type = ? ORDER BY event_id", [type])).rows.map(
    (r) => JSON.parse(String(r.payload_json)) as { id: string; data: Record<string, unknown> },
  );

beforeAll(async () => {
  h = await startWebhookHarness();
  source = new RecordedSettlementSource();
  settlement = createSettlement({
    db: h.db,
    source,
    logger: pino({ level: "silent" }),
    now: h.deps.now,
    settings: { pulls: { firstAfterMs: 0 } },
  });
});
afterAll(() => h.close());

describe("settlement", () => {
  let a: { orderId: string; paymentId: string };
  let b: { orderId: string; paymentId: string };
  let yen: { orderId: string; paymentId: string };

  it("pulls a captured payment's financial actions: the order is expected, fees known, not paid out", async () => {
    a = await paidOrder();
    b = await paidOrder([{ sku: "poster", quantity: 1 }]);
    yen = await paidOrder([{ sku: "yen-tea", quantity: 1 }]);
    source.actions.set(a.paymentId, [
      {
        payment_id: a.paymentId,
        action_id: "act_a_auth",
        action_type: "Authorization",
        reference: a.orderId,
        breakdown: [
          {
            breakdown_type: "Authorization Fee",
            processing_currency: "GBP",
            processing_currency_amount: -0.02,
            holding_currency: "GBP",
            holding_currency_amount: -0.02,
          },
        ],
      },
      {
        payment_id: a.paymentId,
        action_id: "act_a_cap",
        action_type: "Capture",
        reference: a.orderId,
        breakdown: [
          {
            breakdown_type: "Capture",
            processing_currency: "GBP",
            processing_currency_amount: 29,
            holding_currency: "GBP",
            holding_currency_amount: 29,
          },
          {
            breakdown_type: "Gateway Fee",
            processing_currency: "GBP",
            processing_currency_amount: -0.1,
            holding_currency: "GBP",
            holding_currency_amount: -0.1,
          },
          {
            breakdown_type: "Scheme Variable Fee",
            fee_detail: "Visa Scheme Fee",
            processing_currency: "GBP",
            processing_currency_amount: "-0.01234567",
            holding_currency: "GBP",
            holding_currency_amount: "-0.01234567",
          },
        ],
      },
      {
        payment_id: a.paymentId,
        action_id: "act_a_cap2",
        action_type: "Capture",
        reference: a.orderId,
        breakdown: [],
      },
    ]);
    await settlement.drain();
    // Three actions, two to a page: both pages read.
    expect(source.asked.filter((q) => q.startsWith(`financial-actions ${a.paymentId}`))).toHaveLength(2);
    const seen = await settlement.store.orderSettlement(a.orderId);
    expect(seen.settlement).toMatchObject({ status: "expected", currency: "GBP", payoutId: "" });
    expect(formatDecimal(seen.settlement?.fees ?? 0n, "GBP")).toBe("-0.13234567");
    expect(seen.lines).toHaveLength(4);
    // No interchange yet: the payment is asked about again later.
    expect(await count("SELECT done AS n FROM settlement_pulls WHERE payment_id = ?", [a.paymentId])).toBe(0);
  });

  it("reads the payout's report: every paid order settled, its fees itemised, the payout adds up", async () => {
    const payout = "00000000CFJU";
    const rows = [
      reportRow({
        actionId: "act_a_cap",
        paymentId: a.paymentId,
        reference: a.orderId,
        amount: "29.00",
        payoutId: payout,
        breakdownType: "Capture",
      }),
      reportRow({
        actionId: "act_a_cap",
        paymentId: a.paymentId,
        reference: a.orderId,
        amount: "-0.10",
        payoutId: payout,
        breakdownType: "Gateway Fee",
      }),
      reportRow({
        actionId: "act_a_cap",
        paymentId: a.paymentId,
        reference: a.orderId,
        amount: "-0.01234567",
        payoutId: payout,
        breakdownType: "Scheme Variable Fee",
        feeDetail: "Visa Scheme Fee",
      }),
      reportRow({
        actionType: "Authorization",
        actionId: "act_a_auth",
        paymentId: a.paymentId,
        reference: a.orderId,
        amount: "-0.02",
        payoutId: payout,
        breakdownType: "Authorization Fee",
      }),
      // Matched by reference alone: the report left the payment id out.
      reportRow({
        actionId: "act_b_cap",
        reference: b.orderId,
        amount: "22.00",
        payoutId: payout,
        breakdownType: "Capture",
      }),
      reportRow({
        actionId: "act_b_cap",
        reference: b.orderId,
        amount: "-0.25",
        payoutId: payout,
        breakdownType: "Interchange",
        feeDetail: "Visa Interchange, consumer",
      }),
      reportRow({
        actionType: "Payout",
        actionId: "act_payout_1",
        amount: "-50.61765433",
        payoutId: payout,
        breakdownType: "Payout",
      }),
    ];
    // A report in two files, as Checkout.com splits large ones.
    source.addReport("rpt_1", payout, [
      `${REPORT_HEADER}\n${rows.slice(0, 3).join("\n")}\n`,
      `${REPORT_HEADER}\n${rows.slice(3).join("\n")}\n`,
    ]);
    await settlement.reportAnnounced("evt_report_1", { report_id: "rpt_1", tags: [`payout_id:${payout}`] });
    await settlement.drain();

    const sa = await settlement.store.orderSettlement(a.orderId);
    expect(sa.settlement).toMatchObject({ status: "settled", payoutId: payout });
    expect(formatDecimal(sa.settlement?.net ?? 0n, "GBP")).toBe("28.86765433");
    // The lines read from the API before the payout gave way to the report's: nothing counted twice.
    expect(sa.lines.every((l) => l.payoutId === payout)).toBe(true);
    expect(sa.feeItems.map((f) => f.breakdownType).sort()).toEqual([
      "Authorization Fee",
      "Gateway Fee",
      "Scheme Variable Fee",
    ]);
    expect((await settlement.store.orderSettlement(b.orderId)).settlement).toMatchObject({
      status: "settled",
    });

    const [p] = await settlement.store.payouts();
    expect(p).toMatchObject({ payoutId: payout, lines: 6, orders: 2, exceptions: 0, date: "2026-12-02" });
    expect(formatDecimal(p?.net ?? 0n, "GBP")).toBe("50.61765433");
    expect(p?.amount).toBe(p?.net);

    const settled = await outboxOf("order.settled");
    expect(settled.map((e) => e.data.orderId).sort()).toEqual([a.orderId, b.orderId].sort());
    expect(settled.find((e) => e.data.orderId === a.orderId)?.data).toMatchObject({
      gross: "29.00",
      fees: "-0.13234567",
      net: "28.86765433",
      payoutId: payout,
      currency: "GBP",
    });
    const [reconciled] = await outboxOf("payout.reconciled");
    expect(reconciled?.data).toMatchObject({
      payoutId: payout,
      net: "50.61765433",
      amount: "50.61765433",
      addsUp: true,
      exceptions: 0,
      lines: 6,
    });
  });

  it("reading the same report again changes nothing", async () => {
    const snapshot = async () => ({
      lines: await count("SELECT COUNT(*) AS n FROM settlement_lines"),
      outbox: await count("SELECT COUNT(*) AS n FROM outbox"),
      orders: (await h.db.execute("SELECT * FROM settlement_orders ORDER BY order_id")).rows,
      payouts: (await h.db.execute("SELECT * FROM settlement_payouts ORDER BY payout_id")).rows,
    });
    const before = await snapshot();
    const again = await ingestReport(
      { store: settlement.store, source },
      { reportId: "rpt_1", filesDone: [], lines: 0 },
    );
    expect(again).toMatchObject({ status: "ingested", lines: 7 });
    // Announced again (a redelivered webhook): already known, not read a third time.
    await settlement.reportAnnounced("evt_report_1_again", { report_id: "rpt_1" });
    await settlement.drain();
    expect(await snapshot()).toEqual(before);
  });

  it("puts what does not add up in the exceptions: a mismatch, an orphan, a late fee, a conversion", async () => {
    const payout = "00000000CFJV";
    const rows = [
      // The yen order settled for less than Handoff captured.
      reportRow({
        actionId: "act_y_cap",
        paymentId: yen.paymentId,
        reference: yen.orderId,
        currency: "JPY",
        amount: "1100",
        payoutId: payout,
        breakdownType: "Capture",
      }),
      // An adjustment that belongs to no payment.
      reportRow({
        actionType: "Adjustment",
        actionId: "act_adj",
        amount: "-5.00",
        payoutId: payout,
        breakdownType: "Tiered Pricing Adjustment",
      }),
      // Interchange for order a, a payout later than its capture.
      reportRow({
        actionId: "act_a_cap",
        paymentId: a.paymentId,
        reference: a.orderId,
        amount: "-0.058",
        payoutId: payout,
        breakdownType: "Interchange",
      }),
    ];
    source.addReport("rpt_2", payout, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
    await settlement.reportAnnounced("evt_report_2", { api_resources: { report: { id: "rpt_2" } } });
    await settlement.drain();
    const ex = await settlement.store.exceptions({ unsettledAfterDays: 3 });
    expect(ex.mismatches.map((m) => m.orderId)).toEqual([yen.orderId]);
    expect(ex.mismatches[0]?.problems[0]).toContain("1100");
    expect(ex.orphans.map((o) => o.actionId)).toEqual(["act_adj"]);
    expect(ex.feeOnly).toMatchObject([{ orderId: a.orderId, payoutId: payout }]);
    const late = await settlement.store.orderSettlement(a.orderId);
    expect(late.settlement).toMatchObject({ status: "settled", payoutId: payout });
    expect(formatDecimal(late.settlement?.fees ?? 0n, "GBP")).toBe("-0.19034567");
    // Settled again in the later payout: announced once more, with the new fees.
    expect((await outboxOf("order.settled")).filter((e) => e.data.orderId === a.orderId)).toHaveLength(2);
    const p = await settlement.store.payout(payout);
    // Orphan, mismatch and late fee; and a payout in two holding currencies is one more.
    expect(p).toMatchObject({ exceptions: 4, currency: "GBP" });
  });

  it("an order captured long ago and still not in a payout is an exception", async () => {
    await h.db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", [
      "2026-01-01T00:00:00.000Z",
      b.orderId,
    ]);
    const c = await paidOrder();
    // The loop's pass sees it (a shop's runs every minute); then the days go by.
    await settlement.drain();
    await h.db.execute("UPDATE orders SET updated_at = ? WHERE id = ?", [
      "2026-01-01T00:00:00.000Z",
      c.orderId,
    ]);
    const ex = await settlement.store.exceptions({ unsettledAfterDays: 3 });
    expect(ex.unsettled.map((u) => u.orderId)).toEqual([c.orderId]);
  });

  it("report_generated, verified and stored like any webhook, queues its report for settlement", async () => {
    const event = {
      id: "evt_a2b3c4d5e6f7g2h3i4j5k6l7m2",
      type: "report_generated",
      created_on: new Date().toISOString(),
      data: {
        report_id: "rpt_3",
        report_type: "FinancialActionsByPayoutId",
        tags: ["payout_id:00000000CFJW"],
      },
    };
    const result = await processStoredEvent(
      h.deps,
      {
        id: event.id,
        type: event.type,
        rawBody: JSON.stringify(event),
        headers: {},
        receivedAt: event.created_on,
        status: "received",
        attempts: 0,
      } as never,
      {
        reportGenerated: async (eventId, data) => {
          const queued = await settlement.reportAnnounced(eventId, data);
          return { status: "processed", outcome: String(queued.reportId) };
        },
      },
    );
    expect(result).toMatchObject({ status: "processed", outcome: "rpt_3" });
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM settlement_reports WHERE report_id = 'rpt_3' AND payout_id = '00000000CFJW'",
      ),
    ).toBe(1);
  });

  it("a report broken part-way keeps none of what follows the break, and read again once fixed, stores every line once", async () => {
    // Lines of no order, enough for several transactions; line 6,002 of the file (row 6,001) breaks it.
    const payout = "00000000CFJX";
    const rows = Array.from({ length: 9_500 }, (_, i) =>
      reportRow({
        actionType: "Adjustment",
        actionId: `act_big_${i}`,
        amount: "-0.01",
        payoutId: payout,
        breakdownType: "Scheme Fixed Fee",
      }),
    );
    const broken = rows.map((row, i) => (i === 6_000 ? row.replace(",GBP,-0.01,GBP", ",GBP,-0.01,GB") : row));
    const stored = () => count("SELECT COUNT(*) AS n FROM settlement_lines WHERE payout_id = ?", [payout]);
    source.addReport("rpt_big", payout, [`${REPORT_HEADER}\n${broken.join("\n")}\n`]);
    const failed = await ingestReport(
      { store: settlement.store, source },
      { reportId: "rpt_big", filesDone: [], lines: 0 },
    );
    expect(failed).toMatchObject({ status: "failed", error: expect.stringContaining("line 6002") });
    expect(await stored()).toBeLessThanOrEqual(6_000);
    expect(
      await count("SELECT COUNT(*) AS n FROM settlement_lines WHERE action_id IN (?, ?)", [
        "act_big_6000",
        "act_big_9499",
      ]),
    ).toBe(0);

    source.addReport("rpt_big", payout, [`${REPORT_HEADER}\n${rows.join("\n")}\n`]);
    const read = await ingestReport(
      { store: settlement.store, source },
      { reportId: "rpt_big", filesDone: [], lines: 0 },
    );
    expect(read).toMatchObject({ status: "ingested", lines: 9_500 });
    expect(await stored()).toBe(9_500);
    expect(await settlement.store.payout(payout)).toMatchObject({ lines: 9_500, exceptions: 9_500 });
    const again = await ingestReport(
      { store: settlement.store, source },
      { reportId: "rpt_big", filesDone: [], lines: 0 },
    );
    expect(again).toMatchObject({ status: "ingested", lines: 9_500 });
    expect(await stored()).toBe(9_500);
  });

  it("a report whose download stalls holds up no other write while it waits", async () => {
    const payout = "00000000CFJY";
    const rows = Array.from({ length: 1_500 }, (_, i) =>
      reportRow({
        actionType: "Adjustment",
        actionId: `act_slow_${i}`,
        amount: "-0.01",
        payoutId: payout,
        breakdownType: "Scheme Fixed Fee",
      }),
    );
    const text = `${REPORT_HEADER}\n${rows.join("\n")}\n`;
    source.addReport("rpt_slow", payout, [text]);
    // The network delivers the first 1,200 lines, then nothing until `resume`.
    let resume = () => {};
    const stalled = new Promise<void>((done) => {
      resume = done;
    });
    const cut = text.indexOf("Adjustment,act_slow_1200,");
    const bytes = (part: string) => new TextEncoder().encode(part);
    const slow = Object.assign(Object.create(source) as RecordedSettlementSource, {
      openReportFile: async () => ({
        kind: "opened" as const,
        body: (async function* () {
          yield bytes(text.slice(0, cut));
          await stalled;
          yield bytes(text.slice(cut));
        })(),
        calls: [],
      }),
    });
    const reading = ingestReport(
      { store: settlement.store, source: slow },
      { reportId: "rpt_slow", filesDone: [], lines: 0 },
    );
    await new Promise((done) => setTimeout(done, 300));
    const write = h.db
      .execute("UPDATE settlement_payouts SET currency = currency WHERE payout_id = ?", ["00000000NONE"])
      .then(() => "written");
    const late = new Promise((done) => setTimeout(() => done("held up"), 2_000));
    expect(await Promise.race([write, late])).toBe("written");
    resume();
    expect(await reading).toMatchObject({ status: "ingested", lines: 1_500 });
    expect(await count("SELECT COUNT(*) AS n FROM settlement_lines WHERE payout_id = ?", [payout])).toBe(
      1_500,
    );
  });
});
