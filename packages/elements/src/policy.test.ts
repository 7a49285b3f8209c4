import { describe, expect, it } from "vitest";
import type { Outcome } from "./outcome.js";
import { nextStep, type Progress, RECHECKS } from "./policy.js";

const card: Progress = { canRetokenize: true, retokenized: false, rechecks: 0 };
const wallet: Progress = { ...card, canRetokenize: false };
const tokenUsed: Outcome = { kind: "token", code: "TOKEN_USED" };
const timeout: Outcome = { kind: "error", code: "TIMEOUT", retryable: true };
const inProgress: Outcome = { kind: "error", code: "ATTEMPT_IN_PROGRESS", retryable: true };
const network: Outcome = { kind: "error", code: "NETWORK_ERROR", retryable: true };
const declined = {
  kind: "declined",
  body: {
    status: "declined",
    orderId: "ord_1",
    code: "20051",
    category: "soft",
    retryable: true,
    message: "No",
  },
} as Outcome;

describe("the re-tokenize and recheck policy", () => {
  it.each<[string, Outcome, Progress, ReturnType<typeof nextStep>]>([
    ["a used card token is replaced", tokenUsed, card, { do: "retokenize" }],
    ["…once only", tokenUsed, { ...card, retokenized: true }, { do: "show" }],
    ["a wallet token is never re-tokenized behind the shopper's back", tokenUsed, wallet, { do: "show" }],
    ["a timeout is asked again after 1 s", timeout, card, { do: "recheck", afterMs: 1000 }],
    ["…backing off", timeout, { ...card, rechecks: 2 }, { do: "recheck", afterMs: 4000 }],
    ["…until the rechecks run out", timeout, { ...card, rechecks: RECHECKS }, { do: "show" }],
    ["a payment still in progress is asked again", inProgress, wallet, { do: "recheck", afterMs: 1000 }],
    ["a network failure is shown (Try again re-sends the same token)", network, card, { do: "show" }],
    ["a decline is shown", declined, card, { do: "show" }],
  ])("%s", (_name, outcome, progress, step) => {
    expect(nextStep(outcome, progress)).toEqual(step);
  });
});
