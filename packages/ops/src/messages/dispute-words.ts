/**
 * The dispute pages' newer sentences (evidence checks, confirmations, the state of a dispute now,
 * chargebacks), in English. Kept beside the catalogue until it takes them; the wording is the point.
 */
export const disputeWords = {
  /** A file Handoff or Checkout.com refused: the server's sentence names the file and why. */
  evidenceRefused: (sentence: string) => `Could not submit the evidence: ${sentence}`,
  filesTooLarge:
    "Could not submit the evidence: the files are more than 8 MB in all. Each file may be up to 4 MB.",
  /** The confirmation page before accepting: what accepting does, which no one can take back. */
  acceptEffect: (amount: string) =>
    `Accepting ends the dispute: Checkout.com keeps the ${amount} for the cardholder; this cannot be undone.`,
  evidenceOnce:
    "Checkout.com takes evidence once: after this, nothing can be added or changed, and the cardholder's bank decides on what is below.",
  confirmFirst: "Nothing was sent: answer the dispute from its page, which asks you to confirm first.",
  /** The order page's banner once evidence is sent: nothing to answer, the bank decides. */
  underReview: ({ amount, reason }: { amount: string; reason: string }) =>
    `This payment is disputed: the customer's bank is taking back ${amount} (${reason}). Your evidence was sent to Checkout.com; waiting for the bank's decision. Nothing more to answer.`,
  won: (amount: string) => `The dispute over ${amount} was won: the money stays with you.`,
  chargedBackBanner: (amount: string, how: "lost" | "accepted" | "expired") =>
    `Charged back: ${amount} returned to the cardholder by their bank (${how === "accepted" ? "the dispute was accepted" : how === "expired" ? "the time to answer the dispute ran out" : "the dispute was lost"}). Only what was not charged back can be refunded.`,
  seeDispute: "See the dispute",
  /** An order whose dispute was lost, accepted or expired: the money went back through the bank. */
  chargedBack: (amount: string) => `Charged back: ${amount} returned to the cardholder by their bank`,
  chargedBackWhy: (amount: string) =>
    `${amount} was charged back (the cardholder's bank already returned it to them), so refunding it would pay them twice`,
};
