/** Money helpers with no dependencies, so the browser widget can use them without zod. */
/**
 * ISO 4217 minor-unit exponents. Amounts are always integers in minor units; the exponent says
 * how many of them make one major unit (JPY 0: ¥500 is 500; KWD 3: 1.250 KWD is 1250).
 */
const ZERO_DECIMAL = [
  "BIF",
  "CLP",
  "DJF",
  "GNF",
  "ISK",
  "JPY",
  "KMF",
  "KRW",
  "PYG",
  "RWF",
  "UGX",
  "UYI",
  "VND",
  "VUV",
  "XAF",
  "XOF",
  "XPF",
];
const THREE_DECIMAL = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...ZERO_DECIMAL.map((c) => [c, 0] as const),
  ...THREE_DECIMAL.map((c) => [c, 3] as const),
]);

export function currencyExponent(currency: string): number {
  return EXPONENTS.get(currency.toUpperCase()) ?? 2;
}

export class CurrencyAmountError extends Error {
  override name = "CurrencyAmountError";
}

/**
 * Converts a decimal string ("12.34") to minor units without floating point, refusing more
 * fraction digits than the currency has: "0.001 GBP" is a mistake, not a rounding opportunity.
 */
export function toMinorUnits(decimal: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new CurrencyAmountError(`"${decimal}" is not a non-negative decimal amount`);
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    throw new CurrencyAmountError(
      `${currency} has ${exponent} decimal places; "${decimal}" has ${fraction.length}`,
    );
  }
  const minor = Number(whole + fraction.padEnd(exponent, "0"));
  if (!Number.isSafeInteger(minor)) throw new CurrencyAmountError(`"${decimal}" is too large`);
  return minor;
}

/** Minor units to an exact decimal string: 1250 KWD → "1.250", 500 JPY → "500". */
export function fromMinorUnits(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new CurrencyAmountError(`${minor} is not an integer amount`);
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Making an Intl.NumberFormat costs far more than using one: one per locale and currency, kept. */
const formats = new Map<string, Intl.NumberFormat>();

function formatFor(locale: string, currency: string, exponent: number): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    });
    // Locales come from shoppers' headers: a bounded cache, whatever they send.
    if (formats.size >= 256) formats.clear();
    formats.set(key, format);
  }
  return format;
}

/** Shopper-facing money in their locale, exact (formats the decimal string, not a float). */
export function formatMoney(minor: number, currency: string, locale = "en-GB"): string {
  const format = formatFor(locale, currency, currencyExponent(currency));
  // Intl accepts decimal strings as exact values; the cast covers older lib typings.
  return format.format(fromMinorUnits(minor, currency) as unknown as number);
}
