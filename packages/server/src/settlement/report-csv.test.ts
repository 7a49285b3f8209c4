import { describe, expect, it } from "vitest";
import { formatDecimal } from "./decimal.js";
import { ReportFormatError, readReportLines } from "./report-csv.js";

const HEADER =
  "Action Type,Action ID,Payment ID,Reference,Requested On,Processed On,Processing Currency,Processing Currency Amount,Holding Currency,Holding Currency Amount,Transaction Currency,Transaction Currency Amount,Payout ID,Breakdown Type,Fee Detail";

/** The file as the network delivers it: in small pieces that cut through rows and fields. */
async function* chunks(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(text: string, options?: Parameters<typeof readReportLines>[1]) {
  const batches = [];
  for await (const batch of readReportLines(chunks(text), options)) batches.push(batch);
  return batches;
}

describe("a Financial Actions report", () => {
  it("is read row by row as it streams, amounts exact, in batches", async () => {
    const rows = [
      "Capture,act_1,pay_1,ord_1,2026-12-01T10:00:00Z,2026-12-01T10:00:01Z,GBP,29.00,GBP,29.00,GBP,29.00,00000000CFJU,Capture,",
      'Capture,act_1,pay_1,ord_1,2026-12-01T10:00:00Z,2026-12-01T10:00:01Z,GBP,-0.01234567,GBP,-0.01234567,GBP,-0.01234567,00000000CFJU,Scheme Variable Fee,"Visa Scheme Fee, variable"',
      "Capture,act_2,pay_2,ord_2,2026-12-01T11:00:00Z,2026-12-01T11:00:01Z,JPY,1200,JPY,1200,JPY,1200,00000000CFJU,Capture,",
    ];
    const batches = await all(`\uFEFF${HEADER}\r\n${rows.join("\r\n")}\r\n`, { batchSize: 2 });
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    const [first, fee, yen] = batches.flat();
    expect(first).toMatchObject({
      actionId: "act_1",
      paymentId: "pay_1",
      breakdownType: "Capture",
      payoutId: "00000000CFJU",
    });
    expect(fee?.feeDetail).toBe("Visa Scheme Fee, variable");
    expect(formatDecimal(fee?.holdingAmount ?? 0n, "GBP")).toBe("-0.01234567");
    expect(formatDecimal(yen?.processingAmount ?? 0n, "JPY")).toBe("1200");
  });

  it("takes the report's payout for rows that leave the column empty", async () => {
    const line = (
      await all(
        `${HEADER}\nAdjustment,act_9,,,,2026-12-01,GBP,-5.00,GBP,-5.00,GBP,-5.00,,Tiered Pricing Adjustment,\n`,
        { payoutId: "00000000CFJV" },
      )
    ).flat()[0];
    expect(line).toMatchObject({ payoutId: "00000000CFJV", paymentId: "" });
  });

  it("names the line it cannot read, rather than storing a guess", async () => {
    const bad = `${HEADER}\nCapture,act_1,pay_1,ord_1,,,GBP,29.001234567,GBP,29.00,GBP,29.00,P1,Capture,\n`;
    await expect(all(bad)).rejects.toThrow(ReportFormatError);
    await expect(all(bad)).rejects.toThrow(/line 2/);
    await expect(all("Action ID,Payment ID\nact_1,pay_1\n")).rejects.toThrow(
      /no Action Type, Breakdown Type/,
    );
    await expect(all("")).rejects.toThrow(/empty/);
  });
});
