import type { Translations } from "@checkout.com/checkout-web-components";

/**
 * Every string the widget shows; merchants override any of them with the `strings` option. Decline
 * messages are not here: the confirm endpoint answers them in the shopper's language. English is
 * built in; other languages are packs (`@handoff/elements/locales/de`, `handoff.de.js`) that add
 * themselves to a page-wide registry, so handoff.js carries one language.
 */
export interface Strings {
  pay: string;
  processing: string;
  loading: string;
  success: string;
  redirecting: string;
  retry: string;
  close: string;
  dialogTitle: string;
  /** Between the wallet buttons and the card form. */
  orCard: string;
  cardIncomplete: string;
  enterCardAgain: string;
  outOfStock: string;
  soldOut: string;
  editCart: string;
  alreadyPaid: string;
  viewOrder: string;
  successReview: string;
  stillChecking: string;
  rateLimited: string;
  cartChanged: string;
  networkError: string;
  unavailable: string;
  misconfigured: string;
  genericError: string;
}

/** The card-field labels a pack gives Flow (its `translations` option), so one page speaks one language. */
export const FLOW_KEYS = [
  "card.card_number",
  "card.card_number.invalid",
  "card.expiry_date",
  "card.expiry_date.invalid",
  "card.expiry_date.placeholder.month",
  "card.expiry_date.placeholder.year",
  "card.security_code",
  "card.security_code.invalid",
  "card.security_code.placeholder",
] as const;
export type FlowLabels = Pick<Translations, (typeof FLOW_KEYS)[number]>;

/** A language: our strings, and Flow's labels in the same language (English ones are Flow's own). */
export interface LocalePack {
  strings: Strings;
  flow?: FlowLabels;
}

/**
 * English, as far as a checkout that goes well needs it: the error screens' texts come with the
 * error screens (`errors.ts`), which complete this object when they load.
 */
export const en = {
  pay: "Pay {amount}",
  processing: "Processing your payment…",
  loading: "Loading secure payment form…",
  success: "Payment successful. Thank you!",
  redirecting: "Taking you to your bank to confirm the payment…",
  retry: "Try again",
  close: "Close",
  dialogTitle: "Pay securely",
  orCard: "Or pay by card",
  cardIncomplete: "Please complete your card details.",
  successReview: "Payment received. We're reviewing your order and will confirm it shortly.",
  networkError: "We couldn't reach the payment service. Check your connection and try again.",
} as Strings;

/** On globalThis under a shared symbol: a pack loaded beside any copy of Handoff (or before it) is seen. */
const LOCALES = Symbol.for("handoff.locales");
const registry = globalThis as typeof globalThis & { [LOCALES]?: Record<string, LocalePack> };

export const language = (locale: string) => locale.toLowerCase().split("-")[0] ?? "";

/** Languages written right to left: the widget lays out from the right for them. */
export const isRtl = (locale: string) => /^(ar|he|fa|ur)$/.test(language(locale));

/** English, or a language whose pack is on the page. */
export const hasLanguage = (locale: string) =>
  language(locale) === "en" || registry[LOCALES]?.[language(locale)] !== undefined;

/**
 * Strings for a BCP 47 locale ("fr-FR" → fr) from the language packs loaded, English when none
 * matches, with overrides on top.
 */
export function stringsFor(locale: string, overrides: Partial<Strings> = {}): Strings {
  return { ...en, ...registry[LOCALES]?.[language(locale)]?.strings, ...overrides };
}

/** Flow's `translations` for this locale, from its pack; none for English or a language with no pack. */
export function flowTranslationsFor(locale: string): Record<string, FlowLabels> | undefined {
  const flow = registry[LOCALES]?.[language(locale)]?.flow;
  return flow && { [locale]: flow, [language(locale)]: flow };
}

/**
 * Adds a language pack ("fr": the French strings and Flow labels). Checkouts already on the page
 * render again in it, whichever script ran first.
 */
export function addLocale(locale: string, strings: Strings, flow?: FlowLabels): void {
  registry[LOCALES] ??= {};
  registry[LOCALES][language(locale)] = { strings, ...(flow ? { flow } : {}) };
  if (typeof document === "undefined") return;
  for (const element of document.querySelectorAll("handoff-checkout"))
    (element as { requestUpdate?: () => void }).requestUpdate?.();
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
