import { Checkout } from "checkout-sdk-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../index.js";
import { startReceiver } from "../test-support/receiver.js";
import { parseDecimal, sum } from "./decimal.js";

/**
 * The official SDK's settlement calls, unchanged, against the sandbox: `financial.query`,
 * `reports.getAllReports / getReportDetails / getReportFile` and `balances.retrieve`. The SDK sends
 * balances to its own balances host; `config.balancesUrl` points it at the sandbox's one origin.
 */
let sandbox: Sandbox;
let cko: InstanceType<typeof Checkout>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  delete process.env.CKO_SECRET_KEY;
  receiver = await startReceiver();
  sandbox = createSandbox({ captureDelayMs: 60_000, webhookUrls: [receiver.url] });
  await sandbox.listen();
  cko = new Checkout(sandbox.keys.secretKey, { pk: sandbox.keys.publicKey, host: sandbox.url });
  Object.assign(cko.config, { balancesUrl: sandbox.url });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function pay(amount: number, number = "4242424242424242", reference = "ord_settle_1") {
  const tok = (await cko.tokens.request({
    type: "card",
    number,
    expiry_month: 6,
    expiry_year: 2030,
    cvv: "100",
  })) as { token: string };
  return (await cko.payments.request({
    source: { type: "token", token: tok.token },
    amount,
    currency: "GBP",
    reference,
    capture: false,
  })) as { id: string; approved: boolean };
}

// biome-ignore lint/suspicious/noExplicitAny: the SDK types its answers as Object
type Any = any;

describe("settlement through the official checkout-sdk-node", () => {
  it("lists a capture's financial actions, newest first, with signed major-unit decimals and fees", async () => {
    const payment = await pay(6540);
    await cko.payments.capture(payment.id, { amount: 6540 });
    await cko.payments.refund(payment.id, { amount: 1000 });
    const answer: Any = await cko.financial.query({ payment_id: payment.id, limit: 10 });
    expect(answer).toMatchObject({ count: 2, limit: 10 });
    expect(answer.data.map((a: Any) => a.action_type)).toEqual(["Refund", "Capture"]);
    const capture = answer.data[1];
    expect(capture).toMatchObject({
      payment_id: payment.id,
      entity_id: sandbox.account.entityId,
      reference: "ord_settle_1",
      response_code: "10000",
      issuer_country: "GB",
    });
    expect(capture.currency_account_id).toMatch(/^ca_/);
    const rows = Object.fromEntries(capture.breakdown.map((b: Any) => [b.breakdown_type, b]));
    expect(rows.Capture).toMatchObject({
      processing_currency: "GBP",
      processing_currency_amount: 65.4,
      holding_currency: "GBP",
      holding_currency_amount: 65.4,
      transaction_currency_amount: 65.4,
    });
    expect(rows["Gateway Fee"].holding_currency_amount).toBe(-0.1);
    expect(rows["Scheme Fixed Fee"].holding_currency_amount).toBe(-0.02);
    expect(rows["Scheme Variable Fee"].holding_currency_amount).toBe(-0.02616);
    expect(rows.Interchange.holding_currency_amount).toBe(-0.1308);
    const refund = answer.data[0];
    expect(refund.breakdown.map((b: Any) => [b.breakdown_type, b.holding_currency_amount])).toEqual([
      ["Refund", -10],
      ["Refund Fee", -0.1],
    ]);
  });

  it("pages with pagination_token from _links.next and refuses a query with neither id (422)", async () => {
    const payment = await pay(2000, "4242424242424242", "ord_pages");
    await cko.payments.capture(payment.id, { amount: 500 });
    await cko.payments.capture(payment.id, { amount: 500 });
    await cko.payments.capture(payment.id, { amount: 500 });
    const first: Any = await cko.financial.query({ payment_id: payment.id, limit: 2 });
    expect(first.count).toBe(2);
    const token = new URL(first._links.next.href).searchParams.get("pagination_token");
    const second: Any = await cko.financial.query({
      payment_id: payment.id,
      limit: 2,
      pagination_token: token,
    });
    expect(second.count).toBe(1);
    expect(second._links.next).toBeUndefined();
    const ids = [...first.data, ...second.data].map((a: Any) => a.action_id);
    expect(new Set(ids).size).toBe(3);
    await expect(cko.financial.query({ limit: 5 })).rejects.toMatchObject({
      http_code: 422,
      body: { error_type: "request_invalid", error_codes: ["payment_id_or_action_id_required"] },
    });
    await expect(cko.financial.query({ payment_id: payment.id, limit: 101 })).rejects.toMatchObject({
      http_code: 422,
    });
  });

  it("has no financial actions for a declined payment", async () => {
    const declined = await pay(1500, "4544249167673670");
    expect(declined.approved).toBe(false);
    const answer: Any = await cko.financial.query({ payment_id: declined.id });
    expect(answer).toMatchObject({ count: 0, data: [] });
  });

  it("settles into a payout whose Financial Actions report adds up, announced by a signed report_generated", async () => {
    const before: Any = await cko.balances.retrieve(sandbox.account.entityId, "GBP");
    expect(before.data[0].balances.pending).toBeGreaterThan(0);
    const run = sandbox.settle();
    expect(run.payouts).toHaveLength(1);
    const payout = run.payouts[0];
    expect(payout?.id).toMatch(/^[0-9A-Z]{12}$/);

    const list: Any = await cko.reports.getAllReports({ entity_id: sandbox.account.entityId, limit: 10 });
    const report = list.data.find((r: Any) => r.tags.includes(`payout_id:${payout?.id}`));
    expect(report).toMatchObject({
      type: "FinancialActions",
      account: { entity_id: sandbox.account.entityId },
    });
    const details: Any = await cko.reports.getReportDetails(report.id);
    expect(details.files).toHaveLength(1);
    // The SDK resolves to the CSV's bytes.
    const file: Any = await cko.reports.getReportFile(report.id, details.files[0].id);
    const [header, ...lines] = Buffer.from(file).toString("utf8").trim().split("\r\n");
    const columns = (header ?? "").split(",");
    for (const name of ["Action Type", "Action ID", "Payment ID", "Reference", "Processed On", "Payout ID"])
      expect(columns).toContain(name);
    const at = (name: string) => columns.indexOf(name);
    const total = sum(
      lines.map((line: string) => parseDecimal(line.split(",")[at("Holding Currency Amount")] ?? "")),
    );
    expect(total).toBe(payout?.amount);
    for (const line of lines) expect(line.split(",")[at("Payout ID")]).toBe(payout?.id);

    await sandbox.idle();
    const announced = receiver.received
      .map((r) => JSON.parse(r.body))
      .filter((e) => e.type === "report_generated");
    expect(announced.map((e) => e.data.report_id)).toContain(report.id);
    const event = announced.find((e) => e.data.report_id === report.id);
    expect(event.data).toMatchObject({ report_type: "FinancialActions", tags: [`payout_id:${payout?.id}`] });
    expect(event.data.api_resources.files[0].url).toBe(
      `${sandbox.url}/reports/${report.id}/files/${details.files[0].id}`,
    );

    const after: Any = await cko.balances.retrieve(sandbox.account.entityId, {
      query: "currency:GBP",
      withCurrencyAccountId: true,
    });
    expect(after.data[0]).toMatchObject({ holding_currency: "GBP", balances: { pending: 0 } });
    expect(after.data[0].currency_account_id).toBe(payout?.currencyAccountId);
    expect(after.data[0].balances.payable).toBe(before.data[0].balances.pending);
  });
});
