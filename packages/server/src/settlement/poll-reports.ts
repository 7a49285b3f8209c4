import type { Logger } from "../deps.js";
import type { SettlementSource } from "../processor/port.js";
import { isSettlementReport } from "./ingest-report.js";
import type { ReportPollWindow, SqlSettlementStore } from "./store.js";

export interface ReportPollSchedule {
  /** How often Checkout.com's reports are listed. Default 30 minutes (reports come a few a day). */
  everyMs: number;
  /**
   * Each window starts this long before the last one ended: a report stamped before it became
   * listable, or by a clock ahead of ours, is still found. Default 1 hour.
   */
  overlapMs: number;
  /** The first listing looks this far back. Default 7 days. */
  lookbackMs: number;
  /** `limit` per page, 1–100. Default 100. */
  pageSize: number;
  /** After a failed listing (429, 5xx, network), the next one waits this long, doubling. Default 1 minute. */
  firstRetryMs: number;
  /** Default 1 hour. */
  maxRetryMs: number;
  /** How long an instance holds the listing before another may take it (renewed per page). Default 5 minutes. */
  leaseMs: number;
}

export const DEFAULT_REPORT_POLL: ReportPollSchedule = {
  everyMs: 30 * 60_000,
  overlapMs: 60 * 60_000,
  lookbackMs: 7 * 86_400_000,
  pageSize: 100,
  firstRetryMs: 60_000,
  maxRetryMs: 60 * 60_000,
  leaseMs: 5 * 60_000,
};

/** A listing never needs more: a thousand pages of a hundred reports. An endless page chain is a bug, not data. */
const MAX_PAGES = 1000;

export type ReportPollResult =
  /** Not due yet, or another instance is listing. */
  | { status: "skipped" }
  | { status: "listed"; pages: number; listed: number; queued: number; window: ReportPollWindow }
  | { status: "failed"; pages: number; listed: number; queued: number; attempts: number; error: string }
  /** Stopping, or the hold lapsed and another instance took the listing over. */
  | { status: "stopped"; pages: number; listed: number; queued: number };

/**
 * The fallback for a `report_generated` that never came (an endpoint down longer than Checkout.com
 * retries, a webhook not configured): lists `GET /reports` created since the last listing (a little
 * overlap) page by page, and queues each settlement report not yet known, exactly as the webhook
 * does; the settlement loop then reads it like any other. A report known both ways is queued once.
 *
 * One instance lists at a time (a lease on the listing's row). The cursor moves only once a window
 * was listed whole; an error keeps the window and the page reached, and the next listing, after a
 * doubling wait, resumes there.
 */
export async function pollReports(deps: {
  store: SqlSettlementStore;
  source: SettlementSource;
  logger: Logger;
  now: () => Date;
  schedule: ReportPollSchedule;
  /** This instance's name on the listing it holds. */
  owner: string;
  stopping?: () => boolean;
}): Promise<ReportPollResult> {
  const { store, source, schedule, owner } = deps;
  const claim = await store.claimReportPoll(owner, schedule.leaseMs);
  if (!claim) return { status: "skipped" };
  const iso = (ms: number) => new Date(ms).toISOString();
  const started = deps.now().getTime();
  let window: ReportPollWindow = claim.window ?? {
    after: iso(claim.cursor ? Date.parse(claim.cursor) - schedule.overlapMs : started - schedule.lookbackMs),
    before: iso(started),
  };
  if (!claim.window && !(await store.reportPollProgress(owner, window, schedule.leaseMs)))
    return { status: "stopped", pages: 0, listed: 0, queued: 0 };
  let pages = 0;
  let listed = 0;
  let queued = 0;
  let restarted = false;
  for (;;) {
    if (deps.stopping?.()) {
      await store.reportPollOutcome(owner, { status: "stopped" });
      return { status: "stopped", pages, listed, queued };
    }
    const page = await source.listReports({
      createdAfter: window.after,
      createdBefore: window.before,
      limit: schedule.pageSize,
      paginationToken: window.pageToken,
    });
    if (page.kind === "rejected" && window.pageToken && !restarted) {
      // A page token Checkout.com no longer takes (an old one, resumed late): the window again from its
      // first page; what was queued already stays queued once.
      deps.logger.warn({ window, codes: page.codes }, "settlement report listing restarts its window");
      restarted = true;
      window = { after: window.after, before: window.before };
      if (!(await store.reportPollProgress(owner, window, schedule.leaseMs)))
        return { status: "stopped", pages, listed, queued };
      continue;
    }
    if (page.kind !== "found") {
      const error =
        page.kind === "unavailable"
          ? page.reason
          : page.kind === "rejected"
            ? `HTTP ${page.status} ${page.codes.join(",")}`.trim()
            : page.kind;
      const attempts = claim.attempts + 1;
      const wait = Math.min(schedule.maxRetryMs, schedule.firstRetryMs * 2 ** (attempts - 1));
      deps.logger.warn(
        { attempts, err: error, window, retryInMs: wait },
        "settlement report listing failed; it resumes where it stopped",
      );
      await store.reportPollOutcome(owner, {
        status: "failed",
        attempts,
        nextAt: iso(deps.now().getTime() + wait),
        error,
      });
      return { status: "failed", pages, listed, queued, attempts, error };
    }
    pages++;
    for (const report of page.reports) {
      if (!isSettlementReport(report.type)) continue;
      listed++;
      if (
        await store.announceReport({
          reportId: report.id,
          ...(report.payoutId ? { payoutId: report.payoutId } : {}),
        })
      )
        queued++;
    }
    if (!page.next || page.next === window.pageToken || pages >= MAX_PAGES) break;
    window = { ...window, pageToken: page.next };
    if (!(await store.reportPollProgress(owner, window, schedule.leaseMs)))
      return { status: "stopped", pages, listed, queued };
  }
  await store.reportPollOutcome(owner, {
    status: "done",
    cursor: window.before,
    // A resumed window ended in the past: the next one, up to now, follows at once.
    nextAt: iso(deps.now().getTime() + (claim.window ? 0 : schedule.everyMs)),
  });
  if (queued > 0)
    deps.logger.warn(
      { queued, window: { after: window.after, before: window.before } },
      "settlement reports found by listing: their report_generated did not arrive (yet)",
    );
  return { status: "listed", pages, listed, queued, window: { after: window.after, before: window.before } };
}
