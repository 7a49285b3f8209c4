import fc from "fast-check";

export type OperatorStep = "capture" | "void" | "refund" | "refund-part" | "release";

/** Who takes part in one race for one cart; the scheduler decides the order of everything they do. */
export interface Race {
  /** A first confirm with a card the issuer challenges, and what the shopper does on the bank's page. */
  threeDs: "none" | "pass" | "fail" | "abandon";
  /** That confirm reaches the bank's page before anyone else starts. */
  threeDsFirst: boolean;
  /** The shopper reopens the checkout (Back, a reload), or first changes the cart (a mug, 20 posters, 30 totes). */
  checkout: "none" | "reload" | "reprice";
  /** Confirms with other cards, each its own token (two tabs, a second try). */
  shoppers: 0 | 1 | 2;
  /** The second shopper's card is flagged by risk: the order is held for review. */
  flagged: boolean;
  /** The first shopper's token is confirmed twice (a double click). */
  doubleClick: boolean;
  /** The reconciliation sweep runs during the race (2-minute threshold, as the shop runs it). */
  sweep: boolean;
  /** Minutes that pass mid-race: enough for the sweep to look, or for 3-D Secure to expire. */
  minutesPass: 0 | 3 | 17;
  operator: OperatorStep[];
  /** Every webhook is delivered twice and processed again. */
  duplicateWebhooks: boolean;
}

/** Values drawn by weight, shrinking toward the first (the simplest). */
function weighted<T>(...choices: Array<[T, number]>): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
}

/** Weighed toward the races with the most parties; a failure shrinks toward the fewest. */
export const raceArbitrary: fc.Arbitrary<Race> = fc.record({
  threeDs: weighted<Race["threeDs"]>(["none", 1], ["abandon", 2], ["pass", 2], ["fail", 1]),
  threeDsFirst: weighted([true, 2], [false, 1]),
  checkout: weighted<Race["checkout"]>(["none", 2], ["reload", 1], ["reprice", 2]),
  shoppers: weighted<Race["shoppers"]>([0, 1], [1, 1], [2, 3]),
  flagged: weighted([false, 2], [true, 1]),
  doubleClick: weighted([false, 2], [true, 1]),
  sweep: fc.boolean(),
  minutesPass: weighted<Race["minutesPass"]>([0, 1], [3, 1], [17, 1]),
  operator: fc.array(fc.constantFrom<OperatorStep>("capture", "void", "refund", "refund-part", "release"), {
    maxLength: 2,
  }),
  duplicateWebhooks: fc.boolean(),
});
