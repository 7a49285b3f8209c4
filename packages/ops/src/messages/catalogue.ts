import type { OrderStatus } from "@handoff/contracts";
import type { SettlementProblem } from "@handoff/server";

/** Formats a money amount (minor units) and a time for the sentences; the page supplies both. */
export interface Formatters {
  money(minor: number, currency: string): string;
  date(iso: string): string;
}

type Detail = Record<string, unknown>;

/**
 * Every sentence the console says about orders, in one language. Pages pick a catalogue and
 * never spell these themselves, so a language is added by adding a catalogue.
 */
export interface Catalogue {
  /** BCP 47, for `<html lang>` and number formats. */
  locale: string;
  /** An order's status as support staff say it; `disputed` when a dispute is open. */
  status: Record<OrderStatus | "disputed" | "abandoned", string>;
  /** A timeline entry as a sentence; the technical record is shown beside it on demand. */
  timeline(kind: string, detail: Detail, currency: string, f: Formatters): string;
  /** Checkout.com's refusal codes, as what they mean for the operator. */
  refusal(code: string): string | undefined;
  /** Banners after an action, by code (never text from the address bar). */
  notice(code: NoticeCode, f?: { action?: string }): string;
  dispute: {
    banner(input: { amount: string; reason: string; deadline?: string }): string;
    refundWarning: string;
    /** Why the bank disputes: Checkout.com's category as a sentence, with the scheme's reason code. */
    reason(category: string | undefined, code?: string): string;
  };
  labels: {
    technicalRecord: string;
  };
  /** A payment's status as Checkout.com reports it ("Partially Refunded"), as support staff say it. */
  paymentStatus(status: string): string;
  /** Checkout.com's webhooks as the inbox lists them. */
  webhook: {
    /** An event type (`payment_captured`) as a few words. */
    type(type: string): string;
    /** Where an event stands in the inbox (`parked`). */
    status(status: string): string;
    /** What processing it did, from the inbox's status and its technical outcome. */
    outcome(status: string, outcome: string | undefined): string;
    replayed(found: boolean): string;
  };
  /** A dispute's status at Checkout.com (`evidence_required`). */
  disputeStatus(status: string): string;
  /** After answering a dispute; `error` is the API's code (`ACTION_NOT_ALLOWED`), never shown. */
  disputeNotice(
    kind: "accepted" | "evidence_sent" | "accept_failed" | "evidence_failed",
    error?: string,
    nothingGiven?: boolean,
  ): string;
  /** Order events sent to the merchant's own systems (`order.paid`) and how their delivery went. */
  outbox: {
    event(type: string): string;
    delivery(status: string): string;
  };
  destination: {
    paused(id: string, paused: boolean, found: boolean): string;
    replayOne(result: "queued" | "no_event" | "not_taken"): string;
    replayRange(count: number): string;
    badRange: string;
    backwardsRange: string;
    fromFile: string;
    invalid(field: string): string;
  };
  /** Why a request to the webhook endpoint was refused (`signature_mismatch`). */
  rejected(reason: string): string;
  reconciliation(r: { looked: number; changed: number; notCharged: number; unreachable: number }): string;
  settlement: {
    /** Where an order's money is (`partially_settled`); `held_for_review` when Checkout.com paid out an order still in review. */
    status: Record<SettlementWords, string>;
    /** Why a settlement does not match, from the server's problem code and amounts. */
    problem(problem: SettlementProblem): string;
    /** Why a correct settlement is still worth a look. */
    notable(why: { converted: boolean; chargedBack: boolean }): string;
  };
}

/** The settlement statuses the console names: the server's, and an order paid out while held for review. */
export type SettlementWords =
  | "expected"
  | "settled"
  | "partially_settled"
  | "mismatch"
  | "orphan"
  | "held_for_review";

export type NoticeCode =
  | "action_sent"
  | "action_not_allowed"
  | "action_refused"
  | "action_failed"
  | "amount_over_balance"
  | "amount_invalid"
  | "unknown_action"
  | "start_from_order"
  | "review_released"
  | "review_failed";
