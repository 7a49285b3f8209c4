/**
 * The dispute pages' newer sentences (evidence checks, confirmations, the state of a dispute now,
 * chargebacks), in English. Kept beside the catalogue until it takes them; the wording is the point.
 */
export const disputeWords = {
  /** A file Handoff or Checkout.com refused: the server's sentence names the file and why. */
  evidenceRefused: (sentence: string) => `Could not submit the evidence: ${sentence}`,
  filesTooLarge:
    "Could not submit the evidence: the files are more than 8 MB in all. Each file may be up to 4 MB.",
};
