import { z } from "zod";
import { BackgroundLoop, instanceName } from "../background-loop.js";
import type { SqlClient } from "../db/sql-client.js";
import type { Logger } from "../deps.js";
import type { SettlementSource } from "../processor/port.js";
import { payoutOfTags } from "../processor/settlement-wire.js";
import { ingestDueReports } from "./ingest-report.js";
import {
  DEFAULT_REPORT_POLL,
  pollReports,
  type ReportPollResult,
  type ReportPollSchedule,
} from "./poll-reports.js";
import { DEFAULT_PULL_SCHEDULE, type PullSchedule, pullDuePayments } from "./pull.js";
import { LATE_COMMIT_MS, SqlSettlementStore } from "./store.js";

export interface SettlementOptions {
  /** How often the loop looks for due payments and reports when nothing wakes it. Default 60 s. */
  everyMs?: number;
  /** When to ask Checkout.com again about a captured payment whose fees are not final. */
  pulls?: Partial<PullSchedule>;
  /** The first retry of a report that could not be read (doubling). Default 1 minute. */
  reportRetryMs?: number;
  /** An order captured this many days ago and not settled is an exception. Default 3. */
  unsettledAfterDays?: number;
  /**
   * The listing of `GET /reports` that finds reports whose `report_generated` was lost (see
   * poll-reports.ts). `false`: webhooks only.
   */
  reportPoll?: Partial<ReportPollSchedule> | false;
}

/** `report_generated`'s data, as far as Handoff reads it. */
const reportGeneratedSchema = z.looseObject({
  report_id: z.string().optional(),
  api_resources: z.looseObject({ report: z.looseObject({ id: z.string() }).optional() }).optional(),
  tags: z.array(z.string()).optional(),
});

export interface SettlementService {
  readonly store: SqlSettlementStore;
  readonly source: SettlementSource;
  readonly unsettledAfterDays: number;
  /** For the webhook worker: `report_generated` queues its report and wakes the loop. */
  reportAnnounced(eventId: string, data: unknown): Promise<{ queued: boolean; reportId?: string }>;
  start(): void;
  stop(): Promise<void>;
  /** One pass now (after the one under way): due payments asked about, reports listed if due, due reports read. */
  drain(): Promise<void>;
  /** What the last listing of reports did (undefined before one ran, or with `reportPoll: false`). */
  readonly lastReportPoll: ReportPollResult | undefined;
  wake(): void;
}

/**
 * Settlement reconciliation: a background loop that asks Checkout.com about captured payments
 * (Financial Actions) and reads the reports `report_generated` announces, storing each line once
 * and matching it to its order.
 */
export function createSettlement(options: {
  db: SqlClient;
  source: SettlementSource;
  logger: Logger;
  now: () => Date;
  outboxCommitted?: (() => void) | undefined;
  settings?: SettlementOptions | undefined;
}): SettlementService {
  const settings = options.settings ?? {};
  const store = new SqlSettlementStore(options.db, options.now);
  const schedule = { ...DEFAULT_PULL_SCHEDULE, ...settings.pulls };
  const logger = options.logger;
  const poll = settings.reportPoll === false ? undefined : { ...DEFAULT_REPORT_POLL, ...settings.reportPoll };
  // This instance's name on the report listing it holds: another instance lists only once it lets go.
  const owner = instanceName();
  let lastReportPoll: ReportPollResult | undefined;
  // Payments captured before this instance started are queued by its first pass.
  let since = new Date(0).toISOString();
  let loop: BackgroundLoop;
  const pass = async () => {
    const started = options.now();
    const stopping = () => loop.stopping;
    const changedSince = since;
    const pulled = await pullDuePayments({
      store,
      source: options.source,
      logger,
      now: options.now,
      schedule,
      since,
      stopping,
    });
    // Attempts keep their capture time in updated_at; a margin covers clocks of other instances.
    since = new Date(started.getTime() - LATE_COMMIT_MS).toISOString();
    // Reports whose report_generated never came are queued here, and read below like the others.
    if (poll)
      lastReportPoll = await pollReports({
        store,
        source: options.source,
        logger,
        now: options.now,
        schedule: poll,
        owner,
        stopping,
      });
    const read = await ingestDueReports({
      store,
      source: options.source,
      logger,
      now: options.now,
      retryAfterMs: settings.reportRetryMs ?? 60_000,
      stopping,
    });
    // Orders that changed after their lines were read (a review released, a refund) are compared again.
    const refreshed = await store.refreshChangedOrders(changedSince);
    if (pulled.announced || read.announced || refreshed.announced) options.outboxCommitted?.();
  };
  loop = new BackgroundLoop(pass, {
    pollMs: settings.everyMs ?? 60_000,
    storePauseMs: 1000,
    maxStorePauseMs: 60_000,
    name: "settlement",
    logger,
  });
  return {
    store,
    source: options.source,
    unsettledAfterDays: settings.unsettledAfterDays ?? 3,
    async reportAnnounced(eventId, data) {
      const parsed = reportGeneratedSchema.safeParse(data);
      const reportId = parsed.data?.report_id ?? parsed.data?.api_resources?.report?.id;
      if (!reportId) return { queued: false };
      const payoutId = payoutOfTags(parsed.data?.tags);
      await store.announceReport({ reportId, eventId, ...(payoutId ? { payoutId } : {}) });
      loop.wake();
      return { queued: true, reportId };
    },
    start: () => loop.start(),
    stop: () => loop.stop(),
    drain: () => loop.drain(),
    get lastReportPoll() {
      return lastReportPoll;
    },
    wake: () => loop.wake(),
  };
}
