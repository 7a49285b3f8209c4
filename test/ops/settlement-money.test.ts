import { describe, expect, it } from "vitest";
import { paidOut } from "../../packages/ops/src/pages/payouts.js";
import { amount } from "../../packages/ops/src/pages/settlement.js";
import { roundedMinor } from "../../packages/ops/src/views.js";

/** Settlement money as a support person reads it: "£156.50" as everywhere else, the exact figure kept. */
describe("settlement money", () => {
  it("writes a sub-penny amount as the console writes money, the exact figure in its title", () => {
    expect(amount("156.502", "GBP").toString()).toBe(
      '<span class="amount" title="Exactly 156.502 GBP">£156.50</span>',
    );
    expect(amount("-0.2896", "GBP").toString()).toBe(
      '<span class="amount" title="Exactly -0.2896 GBP">-£0.29</span>',
    );
    expect(amount("28.00", "GBP").toString()).toBe('<span class="amount">£28.00</span>');
    expect(amount("1500", "JPY").toString()).toContain("¥1,500");
  });

  it("rounds half away from zero, never to a negative zero", () => {
    expect(roundedMinor("0.005", "GBP")).toBe(1);
    expect(roundedMinor("-0.005", "GBP")).toBe(-1);
    expect(roundedMinor("-0.004", "GBP")).toBe(0);
    expect(roundedMinor("12.3", "KWD")).toBe(12300);
  });

  it("says a negative payout took money back, not that it paid a negative amount", () => {
    const back = paidOut({ amount: -44n * 10n ** 8n, currency: "GBP" }).toString(); // scaled to 8 places
    expect(back).toBe('<dt>Taken back</dt><dd><span class="amount">£44.00</span></dd>');
    expect(back).not.toContain("-");
    expect(paidOut({ amount: undefined, currency: "GBP" }).toString()).toBe("<dt>Paid out</dt><dd>—</dd>");
  });
});
