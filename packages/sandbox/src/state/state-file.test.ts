import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Checkout } from "checkout-sdk-node";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, SandboxStateError } from "../index.js";

const dir = mkdtempSync(join(tmpdir(), "handoff-sandbox-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: the SDK types its answers as Object
type Any = any;

describe("a sandbox with a state file", () => {
  it("comes back after a restart with its keys, payments, disputes and settlements, read through the API", async () => {
    delete process.env.CKO_SECRET_KEY;
    const stateFile = join(dir, "sandbox-state.json");
    const first = createSandbox({ captureDelayMs: 60_000, stateFile });
    await first.listen();
    let cko = new Checkout(first.keys.secretKey, { pk: first.keys.publicKey, host: first.url });
    const token = (await cko.tokens.request({
      type: "card",
      number: "4242424242424242",
      expiry_month: 6,
      expiry_year: 2030,
      cvv: "100",
    })) as { token: string };
    const payment = (await cko.payments.request({
      source: { type: "token", token: token.token },
      amount: 4700,
      currency: "GBP",
      reference: "ord_remembered",
      capture: false,
    })) as { id: string };
    await cko.payments.capture(payment.id, { amount: 4700 });
    const opened = await fetch(`${first.url}/_sandbox/disputes`, {
      method: "POST",
      body: JSON.stringify({ payment: payment.id, reasonCode: "13.1" }),
    });
    const dispute = (await opened.json()) as { id: string };
    const payout = first.settle().payouts[0];
    const keys = first.keys;
    await first.close();

    const second = createSandbox({ captureDelayMs: 60_000, stateFile });
    await second.listen();
    try {
      expect(second.keys).toEqual(keys);
      cko = new Checkout(second.keys.secretKey, { pk: second.keys.publicKey, host: second.url });
      const details: Any = await cko.payments.get(payment.id);
      expect(details).toMatchObject({
        status: "Captured",
        reference: "ord_remembered",
        balances: { total_captured: 4700 },
      });
      await cko.payments.refund(payment.id, { amount: 700 });
      const disputeAnswer: Any = await cko.disputes.getDetails(dispute.id);
      expect(disputeAnswer).toMatchObject({
        id: dispute.id,
        status: "evidence_required",
        reason_code: "13.1",
      });
      const list: Any = await cko.payments.getPaymentList({ reference: "ord_remembered" });
      expect(list.total_count).toBe(1);
      const reports: Any = await cko.reports.getAllReports({ entity_id: second.account.entityId });
      expect(reports.data.some((r: Any) => r.tags.includes(`payout_id:${payout?.id}`))).toBe(true);
      const actions: Any = await cko.financial.query({ payment_id: payment.id });
      expect(actions.data.map((a: Any) => a.action_type)).toEqual(["Refund", "Chargeback", "Capture"]);
    } finally {
      await second.close();
    }
  });

  it("refuses to start from a file it cannot read, rather than forgetting silently", () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{not json");
    expect(() => createSandbox({ stateFile: broken })).toThrow(SandboxStateError);
  });
});
