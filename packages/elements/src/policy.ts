import type { Outcome } from "./outcome.js";

/** How often the widget asks again about an unanswered confirm (same token, answered idempotently). */
export const RECHECKS = 4;

/** What a paying widget does with a confirm answer. */
export type Step =
  /** An expired or used card token: get a fresh one, silently, once. */
  | { do: "retokenize" }
  /** No answer yet: wait, then ask again with the same token. */
  | { do: "recheck"; afterMs: number }
  /** The answer stands: show it. */
  | { do: "show" };

export interface Progress {
  /** A card can be tokenized again; a wallet token cannot (the shopper would have to authorize again). */
  canRetokenize: boolean;
  retokenized: boolean;
  rechecks: number;
}

/** No answer yet: the request timed out, or the server is still processing that payment. */
export function isUnanswered(outcome: Outcome): boolean {
  return outcome.kind === "error" && (outcome.code === "TIMEOUT" || outcome.code === "ATTEMPT_IN_PROGRESS");
}

/**
 * The re-tokenize / recheck policy, pure: an unusable card token is replaced once; an unanswered
 * confirm is asked again, backing off, rather than guessed "failed" about a payment that may have
 * gone through; everything else is shown.
 */
export function nextStep(outcome: Outcome, progress: Progress): Step {
  if (outcome.kind === "token" && progress.canRetokenize && !progress.retokenized)
    return { do: "retokenize" };
  if (isUnanswered(outcome) && progress.rechecks < RECHECKS)
    return { do: "recheck", afterMs: 1000 * 2 ** progress.rechecks };
  return { do: "show" };
}
