import type { Logger } from "../deps.js";
import type { SettlementSource } from "../processor/port.js";
import type { SettlementLine } from "./lines.js";
import { ReportFormatError, readPayoutRows, readReportLines } from "./report-csv.js";
import type { SqlSettlementStore } from "./store.js";

const MAX_ATTEMPTS = 10;

/**
 * A report's lines per transaction: its batches (a thousand lines each, see readReportLines) go
 * up to four to a COMMIT, whose fsync would otherwise be a fifth of the ingest's time. Each batch
 * is still let go once stored, so memory stays that of one batch; other writers wait for a
 * transaction of about a tenth of a second.
 */
const LINES_PER_TRANSACTION = 4000;

/**
 * How long a transaction waits for the report's next batch before committing what it holds: a
 * batch of a file on disk is parsed in a few milliseconds, but a slow download must not keep the
 * store's other writers (a shopper's confirm) waiting behind the network.
 */
const WAIT_FOR_NEXT_MS = 50;

/** `promise`'s value if it settles within `ms`, else undefined (it is left running). */
async function soon<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Financial Actions and Payouts reports; others (disputes, statements…) are not settlement's to read. */
export const isSettlementReport = (type: string) => /financial|payout/i.test(type);

/** Checkout.com's own row for the transfer to the bank, if a report carries one: the payout's amount. */
const isPayoutRow = (l: SettlementLine) => /^payout$/i.test(l.actionType.trim());

/**
 * Reads one report whole: each of its files as it streams in, a batch of lines per transaction
 * (stored once each, matched, orders recomputed), then totals its payouts. A file already read is
 * skipped on a retry; reading a report again changes nothing.
 */
export async function ingestReport(
  deps: { store: SqlSettlementStore; source: SettlementSource; stopping?: () => boolean },
  claim: { reportId: string; filesDone: string[]; lines: number },
): Promise<
  | { status: "ingested"; lines: number; payouts: string[]; announced: boolean }
  | { status: "retry"; error: string }
  | { status: "failed"; error: string }
> {
  const { store, source } = deps;
  const found = await source.getReport(claim.reportId);
  if (found.kind === "not_found") return { status: "failed", error: "no such report" };
  if (found.kind !== "found")
    return { status: "retry", error: found.kind === "unavailable" ? found.reason : found.kind };
  const report = found.report;
  if (!isSettlementReport(report.type))
    return { status: "ingested", lines: 0, payouts: [], announced: false };
  const done = [...claim.filesDone];
  let lines = claim.lines;
  let announced = false;
  const payouts = new Set<string>(report.payoutId ? [report.payoutId] : []);
  for (const file of report.files) {
    if (done.includes(file.id)) continue;
    if (deps.stopping?.()) return { status: "retry", error: "stopped" };
    const opened = await source.openReportFile(report.id, file.id);
    if (opened.kind !== "opened")
      return { status: "retry", error: opened.kind === "unavailable" ? opened.reason : opened.kind };
    try {
      if (/^payouts$/i.test(report.type)) {
        // What each payout paid: its lines are checked against it.
        for await (const row of readPayoutRows(opened.body)) {
          await store.recordPayoutAmount(row.payoutId, row.currency, row.amount, row.date || undefined);
          payouts.add(row.payoutId);
          lines++;
        }
        done.push(file.id);
        await store.reportFileDone(report.id, done, lines);
        continue;
      }
      const batches = readAhead(readReportLines(opened.body, { payoutId: report.payoutId ?? "" }));
      try {
        // The first batch of each transaction is waited for outside it; the next ones only briefly.
        let waiting: Promise<IteratorResult<SettlementLine[]>> | undefined;
        const nextBatch = async () => {
          const read = await (waiting ?? batches.next());
          waiting = undefined;
          return read.done ? undefined : read.value;
        };
        for (;;) {
          // Held only until stored (let go below), by nothing else: a batch kept for the whole
          // transaction outlives the garbage collector's young generation, and a million-line
          // report then takes 70 MB more.
          let batch = await nextBatch();
          if (!batch) break;
          await store.writing(
            async (writer) => {
              for (let taken = 0; batch; ) {
                const entries: SettlementLine[] = [];
                for (const line of batch) {
                  if (line.payoutId) payouts.add(line.payoutId);
                  if (isPayoutRow(line)) {
                    const amount = line.holdingAmount < 0n ? -line.holdingAmount : line.holdingAmount;
                    await writer.recordPayoutAmount({
                      payoutId: line.payoutId,
                      currency: line.holdingCurrency,
                      amount,
                    });
                  } else entries.push(line);
                }
                lines += batch.length;
                taken += batch.length;
                batch = undefined;
                const stored = await writer.ingest(entries, report.id);
                announced ||= stored.announced;
                if (taken >= LINES_PER_TRANSACTION) return;
                const next = batches.next();
                const ready = await soon(next, WAIT_FOR_NEXT_MS);
                if (ready === undefined || ready.done) {
                  // Commits what it has: the next transaction starts with what comes.
                  waiting = next;
                  // Awaited by the loop, unless this transaction fails first.
                  next.catch(() => {});
                  return;
                }
                batch = ready.value;
              }
            },
            { bulk: true },
          );
        }
      } finally {
        await batches.return(undefined);
      }
    } catch (error) {
      if (error instanceof ReportFormatError)
        return { status: "failed", error: `${file.id}: ${error.message}` };
      throw error;
    }
    done.push(file.id);
    await store.reportFileDone(report.id, done, lines);
  }
  const date = report.createdOn?.slice(0, 10);
  for (const payoutId of payouts) {
    const payout = await store.reconcilePayout(payoutId, {
      ...(/^payouts$/i.test(report.type) ? {} : { reportId: report.id }),
      date,
    });
    if (payout) announced = true;
  }
  return { status: "ingested", lines, payouts: [...payouts], announced };
}

/**
 * What `source` yields, the next item asked for as soon as one is handed out: the next batch of the
 * file is read and parsed while the caller stores this one, whose COMMIT (and its fsync) runs off
 * the event loop, which would otherwise sit idle. One batch ahead, no more: memory stays flat.
 */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const items = source[Symbol.asyncIterator]();
  try {
    let next = items.next();
    for (;;) {
      const item = await next;
      if (item.done) return;
      next = items.next();
      // Its failure is thrown where it is awaited, above; not an unhandled rejection meanwhile.
      next.catch(() => {});
      yield item.value;
    }
  } finally {
    await items.return?.();
  }
}

/** Every report that is due, one at a time; a failure is retried later, doubling, up to MAX_ATTEMPTS. */
export async function ingestDueReports(deps: {
  store: SqlSettlementStore;
  source: SettlementSource;
  logger: Logger;
  now: () => Date;
  retryAfterMs: number;
  stopping?: () => boolean;
}): Promise<{ reports: number; announced: boolean }> {
  let reports = 0;
  let announced = false;
  for (;;) {
    if (deps.stopping?.()) break;
    const [claim] = await deps.store.claimReports(1, 15 * 60_000);
    if (!claim) break;
    const outcome = await ingestReport(deps, claim);
    if (outcome.status === "ingested") {
      reports++;
      announced ||= outcome.announced;
      await deps.store.reportOutcome(claim.reportId, {
        status: "ingested",
        payoutId: outcome.payouts[0],
      });
      deps.logger.info(
        { reportId: claim.reportId, lines: outcome.lines, payouts: outcome.payouts },
        "settlement report ingested",
      );
      continue;
    }
    const attempts = claim.attempts + 1;
    const final = outcome.status === "failed" || attempts >= MAX_ATTEMPTS;
    deps.logger[final ? "error" : "warn"](
      { reportId: claim.reportId, attempts, err: outcome.error },
      final ? "settlement report could not be read" : "settlement report will be read again",
    );
    await deps.store.reportOutcome(claim.reportId, {
      status: final ? "failed" : "retry",
      attempts,
      nextAt: new Date(deps.now().getTime() + deps.retryAfterMs * 2 ** (attempts - 1)).toISOString(),
      error: outcome.error,
    });
  }
  return { reports, announced };
}
