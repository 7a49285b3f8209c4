import type { OrderStatus } from "@handoff/contracts";

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
}

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
