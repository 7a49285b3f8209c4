/**
 * Why an order's settlement is a mismatch, as data: a code and the amounts behind it, never a
 * sentence. The ops console words each code for people (its message catalogue); the JSON API gives
 * the code. Amounts are exact decimal strings in major units of `currency`, as Checkout.com reports them.
 */
export type SettlementProblem =
  /** Checkout.com settled another amount than Handoff captured less refunded. */
  | { code: "amount_differs"; currency: string; settled: string; expected: string }
  /** Checkout.com settled a capture while Handoff's record shows none (captured at Checkout.com only, or not heard of yet). */
  | { code: "capture_not_recorded"; currency: string; settled: string }
  /** The same, for an order held for review: Checkout.com captured it (auto-capture) while it waits for a person. */
  | { code: "settled_in_review"; currency: string; settled: string }
  /** A money line (`breakdownType`, e.g. Capture) in another currency than the shopper was charged in. */
  | { code: "currency_differs"; breakdownType: string; settledIn: string; chargedIn: string }
  /** The order's lines are paid out in more than one currency, so they do not add up to one amount. */
  | { code: "several_payout_currencies" }
  /** A stored problem this version cannot read; its text is shown as it is. */
  | { code: "other"; text: string };

export type SettlementProblemCode = SettlementProblem["code"];

/**
 * A problem as the store keeps it: the store holds problems as strings (`problems_json` is a JSON
 * array of strings), so each is one JSON object.
 */
export function encodeProblem(problem: SettlementProblem): string {
  return JSON.stringify(problem);
}

/** Nothing captured is an amount of zero, however many places it was written with. */
const isZero = (amount: string) => /^-?0*(\.0*)?$/.test(amount);

/** Sentences stored before problems were codes, read back as codes so old rows are worded like new ones. */
const LEGACY: Array<[RegExp, (m: RegExpExecArray) => SettlementProblem]> = [
  [
    /^Checkout\.com settled (-?[\d.]+), Handoff captured less refunded (-?[\d.]+)$/,
    // "captured less refunded 0.00" was said of a capture Handoff never recorded.
    (m) =>
      isZero(m[2] ?? "")
        ? { code: "capture_not_recorded", currency: "", settled: m[1] ?? "" }
        : { code: "amount_differs", currency: "", settled: m[1] ?? "", expected: m[2] ?? "" },
  ],
  [
    /^(.+) in ([A-Z]{3}), charged in ([A-Z]{3})$/,
    (m) => ({
      code: "currency_differs",
      breakdownType: m[1] ?? "",
      settledIn: m[2] ?? "",
      chargedIn: m[3] ?? "",
    }),
  ],
  [/^the lines are paid out in more than one currency$/, () => ({ code: "several_payout_currencies" })],
];

const CODES = new Set<string>([
  "amount_differs",
  "capture_not_recorded",
  "settled_in_review",
  "currency_differs",
  "several_payout_currencies",
]);

function decode(text: string): SettlementProblem {
  if (text.startsWith("{")) {
    try {
      const value = JSON.parse(text) as SettlementProblem;
      if (CODES.has(value.code)) return value;
    } catch {
      // Not one of ours: shown as it is, below.
    }
  }
  for (const [pattern, read] of LEGACY) {
    const m = pattern.exec(text);
    if (m) return read(m);
  }
  return { code: "other", text };
}

/**
 * The stored problems of an order, as codes, told with what the order is now: a capture Handoff has
 * not recorded is, for an order held for review, money Checkout.com took while the order waits for
 * a person, which is its own problem (release or refund it), not a gap in Handoff's records.
 */
export function readProblems(
  stored: readonly string[],
  order?: { status: string; currency?: string },
): SettlementProblem[] {
  return stored.map((text) => {
    let problem = decode(text);
    // Sentences stored before the codes did not say their currency: the order's.
    if ("currency" in problem && !problem.currency && order?.currency)
      problem = { ...problem, currency: order.currency };
    if (problem.code === "capture_not_recorded" && order?.status === "needs_review")
      problem = { code: "settled_in_review", currency: problem.currency, settled: problem.settled };
    return problem;
  });
}
