import { currencyExponent } from "@handoff/contracts";

/**
 * Settlement amounts: exact decimals held as integers of 10⁻⁸ of a major unit (Checkout.com reports
 * up to 8 decimal places), so sums and fees never meet a float.
 */
export type Decimal8 = bigint;
export const PLACES = 8;
const ONE = 10n ** BigInt(PLACES);

export function fromMinor(minor: number, currency: string): Decimal8 {
  return BigInt(minor) * 10n ** BigInt(PLACES - currencyExponent(currency));
}

/** "12.34", "-0.5" → Decimal8; more than 8 places is refused. */
export function parseDecimal(text: string): Decimal8 {
  const match = /^(-?)(\d+)(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a decimal with at most ${PLACES} places`);
  const value = BigInt(match[2] ?? "0") * ONE + BigInt((match[3] ?? "").padEnd(PLACES, "0"));
  return match[1] === "-" ? -value : value;
}

/** Rounds a quotient half away from zero (the usual way fees are rounded). */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (d * 2n);
  return negative ? -q : q;
}

/** `percent` % of `amount`, to 8 places: percentOf(65.40, "0.2") = 0.1308. */
export function percentOf(amount: Decimal8, percent: string): Decimal8 {
  return divideRounded(amount * parseDecimal(percent), 100n * ONE);
}

/** `amount` × `rate` (a decimal string), to 8 places. */
export function convert(amount: Decimal8, rate: string): Decimal8 {
  return divideRounded(amount * parseDecimal(rate), ONE);
}

/** To the currency's minor units, rounded (balances are integers). */
export function toMinor(amount: Decimal8, currency: string): number {
  return Number(divideRounded(amount, 10n ** BigInt(PLACES - currencyExponent(currency))));
}

/** The exact decimal string, with at least the currency's places and at most 8: "65.40", "-0.02616". */
export function format(amount: Decimal8, currency: string): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(PLACES + 1, "0");
  const whole = digits.slice(0, -PLACES);
  let fraction = digits.slice(-PLACES).replace(/0+$/, "");
  const minimum = currencyExponent(currency);
  if (fraction.length < minimum) fraction = fraction.padEnd(minimum, "0");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/**
 * As a JSON number, the way the Financial actions API sends amounts. Exact: a decimal of at most
 * 15 significant digits survives the trip through a double and prints back the same.
 */
export function toJsonNumber(amount: Decimal8, currency: string): number {
  return Number(format(amount, currency));
}

export function sum(amounts: Iterable<Decimal8>): Decimal8 {
  let total = 0n;
  for (const amount of amounts) total += amount;
  return total;
}
