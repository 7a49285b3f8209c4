import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../index.js";

let sandbox: Sandbox;
afterEach(() => sandbox.close());

async function captured(amount: number): Promise<string> {
  const token = await (
    await sandbox.app.request("/tokens", {
      method: "POST",
      headers: { authorization: sandbox.keys.publicKey },
      body: JSON.stringify({ type: "card", number: "4242424242424242", expiry_month: 1, expiry_year: 2040 }),
    })
  ).json();
  const payment = await (
    await sandbox.app.request("/payments", {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.keys.secretKey}` },
      body: JSON.stringify({
        source: { type: "token", token: token.token },
        amount,
        currency: "GBP",
        capture: false,
      }),
    })
  ).json();
  await sandbox.app.request(`/payments/${payment.id}/captures`, {
    method: "POST",
    headers: { authorization: `Bearer ${sandbox.keys.secretKey}` },
    body: "{}",
  });
  return payment.id;
}

describe("settlement days", () => {
  it("come on the sandbox's own schedule: a day of sandbox time divided by the time scale", async () => {
    // A 60-second settlement day at time scale 300 lasts 200 ms of real time.
    sandbox = createSandbox({ captureDelayMs: 60_000, timeScale: 300, settlement: { dayMs: 60_000 } });
    await captured(1_000);
    await expect.poll(() => sandbox.settlement.payouts.length, { timeout: 3_000 }).toBeGreaterThan(0);
  });

  it("book a dispute as a chargeback and a won dispute as its reversal", async () => {
    sandbox = createSandbox({ captureDelayMs: 60_000 });
    const paymentId = await captured(2_500);
    const payment = sandbox.payments.find(paymentId);
    if (!payment) throw new Error("no payment");
    sandbox.disputes.open(payment);
    const answer = await (
      await sandbox.app.request(`/financial-actions?payment_id=${paymentId}`, {
        headers: { authorization: `Bearer ${sandbox.keys.secretKey}` },
      })
    ).json();
    expect(answer.data[0].action_type).toBe("Chargeback");
    expect(answer.data[0].breakdown[0]).toMatchObject({
      breakdown_type: "Chargeback",
      holding_currency_amount: -25,
    });
  });
});
