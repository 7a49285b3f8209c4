import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { openDatabase } from "@handoff/server";
import { addHistory, historyOrderId } from "./history.js";

/**
 * The settlement benchmark's shop and report, made before the measured process starts (so its
 * memory is the ingest's alone): a shop's history (history.ts) whose payments are as Handoff would
 * have recorded them (refunds recorded, voided and held payments not captured), and a Financial
 * Actions report for it shaped like Checkout.com's: its columns, its action and breakdown types,
 * signed decimals in major units, one payout per currency per day.
 *
 * Each order's lines, by the status history.ts gave it:
 * - captured: an Authorization action (Authorization Fixed Fee) and a Capture action (the Capture
 *   itself, Scheme Fixed Fee, Scheme Variable Fee, Interchange Fixed Fee): 5 lines, settled;
 * - refunded, partially refunded: the same and a Refund action (the Refund, Refund Fixed Fee):
 *   7 lines, settled (Handoff recorded the refund);
 * - held for review (needs_review): captured by Checkout.com while Handoff waits for a person: 5
 *   lines, a mismatch (money taken that Handoff never recorded taking), the exception a merchant
 *   must see;
 * - declined, voided: no lines (a declined payment has no financial actions; a voided one was
 *   never captured, and this merchant's pricing charges no authorization fee on it).
 */

/** Report columns, in Checkout.com's order (Financial Actions by Payout ID report). */
const COLUMNS = [
  "Client Entity ID",
  "Client Entity Name",
  "Sub Entity ID",
  "Sub Entity Name",
  "Processing Channel ID",
  "Merchant Category Code",
  "Currency Account ID",
  "Currency Account Name",
  "Action Type",
  "Action ID",
  "Payment ID",
  "Reference",
  "Requested On",
  "Processed On",
  "Processing Currency",
  "Processing Currency Amount",
  "FX Rate Applied",
  "Holding Currency",
  "Holding Currency Amount",
  "Transaction Currency",
  "Transaction Currency Amount",
  "Payout ID",
  "Breakdown Type",
  "Fee Detail",
  "Payment Method",
  "Card Type",
  "Card Category",
  "Issuer Country",
  "Region",
];

/** As history.ts scatters them: the status of order i. */
function statusOf(i: number): string {
  const r = (i * 7919) % 1000;
  if (r === 999) return "needs_review";
  if (r >= 970) return "voided";
  if (r >= 930) return "declined";
  if (r >= 900) return "partially_refunded";
  if (r >= 850) return "refunded";
  return "captured";
}
const currencyOf = (i: number) => (i % 10 === 9 ? "USD" : i % 10 >= 7 ? "EUR" : "GBP");
const amountOf = (i: number) => 1450 * (1 + (i % 5));
const LINES_OF: Record<string, number> = {
  captured: 5,
  refunded: 7,
  partially_refunded: 7,
  needs_review: 5,
  voided: 0,
  declined: 0,
};

/** Scaled units (10⁻⁸ major units) as Checkout.com writes them: up to 8 places, no trailing zeros. */
function decimal(units: bigint): string {
  const sign = units < 0n ? "-" : "";
  const abs = units < 0n ? -units : units;
  const whole = abs / 100_000_000n;
  const fraction = (abs % 100_000_000n).toString().padStart(8, "0").replace(/0+$/, "");
  return `${sign}${whole}${fraction ? `.${fraction.padEnd(2, "0")}` : ".00"}`;
}

export interface BenchShop {
  dbPath: string;
  reportPath: string;
  orders: number;
  lines: number;
  /** What the ingest must end with: orders by settlement status. */
  expected: Record<string, number>;
  /** order.settled events it must append. */
  settledEvents: number;
}

/** A shop of enough orders for `lines` report lines (whole orders, so a few more), and its report. */
export async function prepareShop(dir: string, lines: number): Promise<BenchShop> {
  let orders = 0;
  let total = 0;
  const expected = { settled: 0, mismatch: 0 };
  while (total < lines) {
    const status = statusOf(orders);
    const n = LINES_OF[status] ?? 0;
    total += n;
    if (n > 0) expected[status === "needs_review" ? "mismatch" : "settled"]++;
    orders++;
  }
  const dbPath = join(dir, "shop.db");
  const db = await openDatabase(`file:${dbPath}`);
  try {
    await addHistory(db, { from: 0, orders, eventsPerOrder: 0 });
    await db.transaction(async (tx) => {
      // As Handoff records them: the attempt's status is the order's, a refund is recorded.
      await tx.execute(
        `UPDATE payment_attempts SET status = (SELECT status FROM orders o WHERE o.id = payment_attempts.order_id)
         WHERE status <> 'declined'`,
      );
      await tx.execute(
        `INSERT INTO refunds (action_key, order_id, payment_id, amount, recorded_at)
         SELECT 'refund:' || a.payment_id, a.order_id, a.payment_id,
           CASE WHEN o.status = 'refunded' THEN a.amount ELSE a.amount / 2 END, o.updated_at
         FROM payment_attempts a JOIN orders o ON o.id = a.order_id
         WHERE o.status IN ('refunded', 'partially_refunded')`,
      );
    });
    await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    await db.close();
  }
  const reportPath = join(dir, "financial-actions.csv");
  await writeReport(reportPath, orders);
  return { dbPath, reportPath, orders, lines: total, expected, settledEvents: expected.settled };
}

const DAY_MS = 86_400_000;
const START = Date.parse("2026-09-01T00:00:00.000Z");

async function writeReport(path: string, orders: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once("drain", resolve)));
  await write(`${COLUMNS.join(",")}\n`);
  let chunk = "";
  const perDay = Math.max(1, Math.ceil(orders / 30));
  for (let i = 0; i < orders; i++) {
    const status = statusOf(i);
    if (!LINES_OF[status]) continue;
    const currency = currencyOf(i);
    const minor = amountOf(i);
    const units = BigInt(minor) * 1_000_000n;
    const day = Math.floor(i / perDay);
    // One payout per currency per day, as Checkout.com pays out each currency account daily.
    const payout = `${String(day + 1).padStart(9, "0")}${currency}`;
    const at = (ms: number) => new Date(START + day * DAY_MS + ms).toISOString();
    const second = (i % 86_400) * 1000;
    const account = `ca_${currency.toLowerCase()}${"a".repeat(22)}`;
    const pad = String(i).padStart(22, "0");
    const paymentId = `pay_hist${pad}`;
    const reference = historyOrderId(i);
    const row = (
      actionType: string,
      actionId: string,
      when: string,
      breakdown: string,
      detail: string,
      amount: bigint,
    ) => {
      const text = decimal(amount);
      return `ent_shopaaaaaaaaaaaaaaaaaaaaaa,Handoff Shop Ltd,ent_shopsubaaaaaaaaaaaaaaaaaa,Handoff Shop UK,pc_shopaaaaaaaaaaaaaaaaaaaaaa,5999,${account},${currency} account,${actionType},${actionId},${paymentId},${reference},${when},${when},${currency},${text},1,${currency},${text},${currency},${text},${payout},${breakdown},${detail},Visa,Credit,Consumer,GB,Domestic\n`;
    };
    const authorized = at(second);
    const captured = at(second + 1000);
    chunk += row(
      "Authorization",
      `act_auth${pad}`,
      authorized,
      "Authorization Fixed Fee",
      "Visa Acquirer Authorization Fee",
      -2_000_000n,
    );
    const capture = `act_capt${pad}`;
    chunk += row("Capture", capture, captured, "Capture", "", units);
    chunk += row(
      "Capture",
      capture,
      captured,
      "Scheme Fixed Fee",
      "Visa Fixed Acquirer Network Fee",
      -2_000_000n,
    );
    chunk += row(
      "Capture",
      capture,
      captured,
      "Scheme Variable Fee",
      "Visa Acquirer Service Fee",
      -((units * 4n) / 10_000n),
    );
    chunk += row(
      "Capture",
      capture,
      captured,
      "Interchange Fixed Fee",
      "Visa Interchange Fee",
      -((units * 20n) / 10_000n),
    );
    if (status === "refunded" || status === "partially_refunded") {
      const refunded = status === "refunded" ? units : units / 2n;
      const refund = `act_rfnd${pad}`;
      const when = at(second + 3_600_000);
      chunk += row("Refund", refund, when, "Refund", "", -refunded);
      chunk += row("Refund", refund, when, "Refund Fixed Fee", "Refund Fee", -10_000_000n);
    }
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  await new Promise<void>((resolve) => out.end(resolve));
}
