import type { Logger } from "../deps.js";
import type { SettlementSource } from "../processor/port.js";
import { type FinancialAction, linesOfAction } from "./lines.js";
import type { SqlSettlementStore } from "./store.js";

export interface PullSchedule {
  /** The first look after a capture, then doubling. Default 10 minutes. */
  firstAfterMs: number;
  /** Default 12 hours. */
  maxBackoffMs: number;
  /** Then the payment is left to the reports. Default 8 (about two days: interchange lands a day or two late). */
  maxAttempts: number;
}

export const DEFAULT_PULL_SCHEDULE: PullSchedule = {
  firstAfterMs: 10 * 60_000,
  maxBackoffMs: 12 * 3_600_000,
  maxAttempts: 8,
};

/**
 * A payment's fees are final once its capture carries interchange (the fee that lands last) or
 * once every line of it is in a payout; until then it is asked about again, later each time.
 */
export function feesFinal(actions: readonly FinancialAction[]): boolean {
  return actions.some(
    (a) =>
      /capture/i.test(a.action_type) &&
      (a.breakdown ?? []).some((b) => /interchange/i.test(b.breakdown_type)),
  );
}

/** Every page of a payment's financial actions, or why Checkout.com could not say. */
async function allActions(
  source: SettlementSource,
  paymentId: string,
): Promise<{ actions: FinancialAction[] } | { error: string }> {
  const actions: FinancialAction[] = [];
  let token: string | undefined;
  // Bounded: a payment has a handful of actions; a page loop that never ends is a bug, not data.
  for (let page = 0; page < 50; page++) {
    const r = await source.financialActions({ paymentId, paginationToken: token });
    if (r.kind !== "found") return { error: r.kind === "unavailable" ? r.reason : r.kind };
    actions.push(...r.actions);
    if (!r.next || r.next === token) return { actions };
    token = r.next;
  }
  return { actions };
}

/**
 * One pass over the captured payments that are due: queue the newly captured, ask Checkout.com for
 * each due one's financial actions, store what it says (lines not yet in a payout), and schedule
 * the next look. Network calls happen outside any transaction.
 */
export async function pullDuePayments(deps: {
  store: SqlSettlementStore;
  source: SettlementSource;
  logger: Logger;
  now: () => Date;
  schedule: PullSchedule;
  /** Payments changed since this ISO time are queued; earlier ones were queued by an earlier pass. */
  since: string;
  stopping?: () => boolean;
}): Promise<{ pulled: number; announced: boolean }> {
  const { store, schedule } = deps;
  const first = new Date(deps.now().getTime() + schedule.firstAfterMs).toISOString();
  await store.queueCapturedPayments(deps.since, first);
  let pulled = 0;
  let announced = false;
  // Only what was due when the pass began: a payment asked about now is never asked again in the same pass.
  const dueBy = deps.now();
  for (;;) {
    if (deps.stopping?.()) break;
    const due = await store.claimPulls(20, 5 * 60_000, dueBy);
    if (due.length === 0) break;
    for (const pull of due) {
      const attempts = pull.attempts + 1;
      const wait = Math.min(schedule.maxBackoffMs, schedule.firstAfterMs * 2 ** attempts);
      const nextAt = new Date(Math.max(deps.now().getTime() + wait, dueBy.getTime() + 1)).toISOString();
      const answer = await allActions(deps.source, pull.paymentId);
      if ("error" in answer) {
        deps.logger.warn({ paymentId: pull.paymentId, err: answer.error }, "financial actions unavailable");
        await store.pulled(pull.paymentId, {
          done: attempts >= schedule.maxAttempts,
          attempts,
          nextAt,
          error: answer.error,
        });
        continue;
      }
      let lines: ReturnType<typeof linesOfAction>;
      try {
        lines = answer.actions.flatMap(linesOfAction);
      } catch (error) {
        await store.pulled(pull.paymentId, { done: true, attempts, nextAt, error: (error as Error).message });
        continue;
      }
      const stored = await store.ingest(lines);
      announced ||= stored.announced;
      pulled++;
      await store.pulled(pull.paymentId, {
        done: feesFinal(answer.actions) || attempts >= schedule.maxAttempts,
        attempts,
        nextAt,
      });
    }
  }
  return { pulled, announced };
}
