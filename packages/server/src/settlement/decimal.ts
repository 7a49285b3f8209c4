import { currencyExponent } from "@handoff/contracts";

/**
 * Checkout.com's settlement amounts are signed decimals in major units with up to 8 places
 * ("-0.01234567"). They are held here as integers of 10⁻⁸ major units (BigInt), so sums are exact
 * and the database adds them as 64-bit integers; never as JS floats.
 */
export const SCALE = 8;
const ONE = 10n ** BigInt(SCALE);

export class DecimalError extends Error {
  override name = "DecimalError";
}

const DECIMAL = /^[+-]?\d+(?:\.\d*)?$/;

/**
 * "12.5", "-0.01234567", "+3" → scaled units. More than 8 places, exponents or junk are refused.
 * The digits are read as one integer, the fraction padded to 8 places ("-0.5" → -50000000): one
 * BigInt per amount, as a report has a few million of them.
 */
export function parseDecimal(text: string): bigint {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new DecimalError(`"${text}" is not a decimal amount`);
  const dot = t.indexOf(".");
  if (dot < 0) return BigInt(t) * ONE;
  // Zeros past the 8th place say nothing ("1.000000000").
  let places = t.length - dot - 1;
  while (places > SCALE && t.charCodeAt(dot + places) === 48) places--;
  if (places > SCALE) throw new DecimalError(`"${text}" has more than ${SCALE} decimal places`);
  return BigInt(t.slice(0, dot) + t.slice(dot + 1, dot + 1 + places).padEnd(SCALE, "0"));
}

/**
 * A JSON number from the API, read through its shortest text (what the JSON said), never through
 * arithmetic: 0.1 stays "0.1". Strings are taken as they are.
 */
export function decimalOf(value: unknown): bigint {
  if (typeof value === "string") return parseDecimal(value);
  if (typeof value === "number" && Number.isFinite(value)) {
    const text = String(value);
    // 1e-7 and smaller print in exponent form; toFixed(8) is exact for numbers that have ≤ 8 places.
    return parseDecimal(/e/i.test(text) ? value.toFixed(SCALE) : text);
  }
  throw new DecimalError(`${String(value)} is not an amount`);
}

/**
 * Scaled units to a decimal string in major units with at least the currency's places and no
 * trailing zeros beyond them: 1250000000 GBP → "12.50", a fee of -1234567 → "-0.01234567".
 */
export function formatDecimal(units: bigint, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = units < 0n ? "-" : "";
  const abs = units < 0n ? -units : units;
  const whole = (abs / ONE).toString();
  let fraction = (abs % ONE).toString().padStart(SCALE, "0").replace(/0+$/, "");
  if (fraction.length < exponent) fraction = fraction.padEnd(exponent, "0");
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** Minor units of a currency (JPY 0 places, KWD 3) in scaled units: 1250 KWD minor → 1.250. */
export function fromMinor(minor: number | bigint, currency: string): bigint {
  return BigInt(minor) * 10n ** BigInt(SCALE - currencyExponent(currency));
}

/** Scaled units as minor units, when they are a whole number of them; undefined when not (a fee's fraction). */
export function toMinorExact(units: bigint, currency: string): bigint | undefined {
  const step = 10n ** BigInt(SCALE - currencyExponent(currency));
  return units % step === 0n ? units / step : undefined;
}
