import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../index.js";
import type { SettlementFaults } from "./model.js";

/** Each seeded finance fault, seen through the API a reconciliation reads (in-process, no port). */
let sandbox: Sandbox;
afterEach(() => sandbox.close());

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the sandbox answered
type Any = any;

function start(faults: SettlementFaults): Sandbox {
  sandbox = createSandbox({ captureDelayMs: 60_000, settlement: { faults } });
  return sandbox;
}

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<Any> {
  const answer = await sandbox.app.request(path, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${sandbox.keys.secretKey}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const type = answer.headers.get("content-type") ?? "";
  return type.startsWith("text/csv") ? answer.text() : answer.json();
}

async function capturedPayment(amount: number, currency = "GBP", reference = "ord_fault"): Promise<string> {
  const tokenAnswer = await sandbox.app.request("/tokens", {
    method: "POST",
    headers: { authorization: sandbox.keys.publicKey },
    body: JSON.stringify({ type: "card", number: "4242424242424242", expiry_month: 1, expiry_year: 2040 }),
  });
  const { token } = (await tokenAnswer.json()) as { token: string };
  const payment = await api("/payments", {
    method: "POST",
    body: { source: { type: "token", token }, amount, currency, reference, capture: false },
  });
  await api(`/payments/${payment.id}/captures`, { method: "POST", body: {} });
  return payment.id;
}

async function reportRows(payoutId: string): Promise<Array<Record<string, string>>> {
  const reports = await api(`/reports?entity_id=${sandbox.account.entityId}`);
  const report = reports.data.find((r: Any) => r.tags.includes(`payout_id:${payoutId}`));
  const rows: Array<Record<string, string>> = [];
  for (const file of report.files) {
    const [header, ...lines] = (await api(`/reports/${report.id}/files/${file.id}`)).trim().split("\r\n");
    const columns = header.split(",");
    for (const line of lines)
      rows.push(Object.fromEntries(line.split(",").map((v: string, i: number) => [columns[i], v])));
  }
  return rows;
}

const types = (rows: Array<Record<string, string>>) =>
  rows.map((r) => `${r["Action Type"]}/${r["Breakdown Type"]}`);

describe("seeded settlement faults", () => {
  it("interchange lands in the next payout, and the API shows it only once it has landed", async () => {
    start({ lateInterchange: true });
    const payment = await capturedPayment(10_000);
    const known = async () =>
      (await api(`/financial-actions?payment_id=${payment}`)).data[0].breakdown.map(
        (b: Any) => b.breakdown_type,
      );
    expect(await known()).not.toContain("Interchange");
    const first = sandbox.settle().payouts[0];
    const second = sandbox.settle().payouts[0];
    expect(await known()).toContain("Interchange");
    expect(types(await reportRows(first?.id ?? ""))).not.toContain("Capture/Interchange");
    const late = await reportRows(second?.id ?? "");
    expect(late).toEqual([
      expect.objectContaining({
        "Payment ID": payment,
        "Breakdown Type": "Interchange",
        "Holding Currency Amount": "-0.20",
      }),
    ]);
  });

  it("a chargeback lands in the payout after the payment's and its reversal in the one after that", async () => {
    start({ chargeback: true });
    const payment = await capturedPayment(4_700);
    const payouts = [sandbox.settle(), sandbox.settle(), sandbox.settle()].map(
      (run) => run.payouts[0]?.id ?? "",
    );
    expect(types(await reportRows(payouts[1] ?? ""))).toEqual([
      "Chargeback/Chargeback",
      "Chargeback/Chargeback Fee",
    ]);
    const reversal = await reportRows(payouts[2] ?? "");
    expect(reversal).toEqual([
      expect.objectContaining({
        "Payment ID": payment,
        "Action Type": "Chargeback Reversal",
        "Holding Currency Amount": "47.00",
      }),
    ]);
    const actions = (await api(`/financial-actions?payment_id=${payment}`)).data.map(
      (a: Any) => a.action_type,
    );
    expect(actions).toEqual(["Chargeback Reversal", "Chargeback", "Capture"]);
  });

  it("an adjustment concerning no payment lands in the first payout", async () => {
    start({ adjustment: "-1.50" });
    await capturedPayment(2_000);
    const rows = await reportRows(sandbox.settle().payouts[0]?.id ?? "");
    const adjustment = rows.find((r) => r["Action Type"] === "Adjustment");
    expect(adjustment).toMatchObject({
      "Payment ID": "",
      "Holding Currency Amount": "-1.50",
      "Breakdown Type": "Scheme Fixed Fee",
    });
    expect(adjustment?.["Action ID"]).toMatch(/^adj_/);
  });

  it("GBP payments held in EUR: holding amounts converted, the payout in EUR", async () => {
    start({ holding: { currency: "EUR", rate: "1.17" } });
    const payment = await capturedPayment(10_000);
    const capture = (await api(`/financial-actions?payment_id=${payment}`)).data[0];
    const gross = capture.breakdown.find((b: Any) => b.breakdown_type === "Capture");
    expect(gross).toMatchObject({
      processing_currency: "GBP",
      processing_currency_amount: 100,
      holding_currency: "EUR",
      holding_currency_amount: 117,
      transaction_to_holding_currency_fx_rate: 1.17,
    });
    const run = sandbox.settle();
    expect(run.payouts.map((p) => p.currency)).toEqual(["EUR"]);
    const balances = await api(`/balances/${sandbox.account.entityId}?query=currency:EUR`);
    expect(balances.data[0]).toMatchObject({ holding_currency: "EUR", balances: { pending: 0 } });
    expect(balances.data[0].balances.payable).toBeGreaterThan(11_600);
  });

  it("a report split in two files, together holding every line once", async () => {
    start({ splitReports: true });
    await capturedPayment(3_000, "GBP", "ord_a");
    await capturedPayment(5_000, "GBP", "ord_b");
    const payout = sandbox.settle().payouts[0];
    const reports = await api("/reports");
    const report = reports.data.find((r: Any) => r.tags.includes(`payout_id:${payout?.id}`));
    expect(report.files.map((f: Any) => f.filename)).toEqual([
      expect.stringMatching(/_1\.csv$/),
      expect.stringMatching(/_2\.csv$/),
    ]);
    const rows = await reportRows(payout?.id ?? "");
    expect(rows.filter((r) => r["Breakdown Type"] === "Capture").map((r) => r.Reference)).toEqual([
      "ord_a",
      "ord_b",
    ]);
    expect(new Set(rows.map((r) => `${r["Action ID"]}${r["Breakdown Type"]}`)).size).toBe(rows.length);
  });

  it("can be switched on at runtime with PUT /_sandbox/settlement, and bad settings are refused", async () => {
    start({});
    const refused = await sandbox.app.request("/_sandbox/settlement", {
      method: "PUT",
      body: JSON.stringify({ faults: { holding: { currency: "euro", rate: "x" } } }),
    });
    expect(refused.status).toBe(400);
    const accepted = await sandbox.app.request("/_sandbox/settlement", {
      method: "PUT",
      body: JSON.stringify({ fees: { gatewayFixed: 25 }, faults: { lateInterchange: true } }),
    });
    expect(accepted.status).toBe(200);
    const payment = await capturedPayment(1_000);
    const capture = (await api(`/financial-actions?payment_id=${payment}`)).data[0];
    const gateway = capture.breakdown.find((b: Any) => b.breakdown_type === "Gateway Fee");
    expect(gateway.holding_currency_amount).toBe(-0.25);
    expect(capture.breakdown.map((b: Any) => b.breakdown_type)).not.toContain("Interchange");
  });
});

describe("GET /_sandbox/settlement", () => {
  it("tells whose account it is and lists every payout with its exact amount", async () => {
    start({});
    await capturedPayment(6_540);
    const run = sandbox.settle();
    const answer = await (await sandbox.app.request("/_sandbox/settlement")).json();
    expect(answer.account).toEqual(sandbox.account);
    expect(answer.day).toBe(1);
    // 65.40 − 0.10 gateway − 0.02 scheme fixed − 0.02616 scheme variable − 0.1308 interchange
    expect(answer.payouts).toEqual([
      expect.objectContaining({ id: run.payouts[0]?.id, currency: "GBP", amount: "65.12304" }),
    ]);
  });
});
