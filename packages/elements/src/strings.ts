/**
 * Every string the widget shows; merchants override any of them with the `strings` option. Decline
 * messages are not here: the confirm endpoint answers them in the shopper's language. English is
 * built in; other languages are packs (`@handoff/elements/locales/fr`, `handoff.fr.js`) that add
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

const en: Strings = {
  pay: "Pay {amount}",
  processing: "Processing your payment…",
  loading: "Loading secure payment form…",
  success: "Payment successful. Thank you!",
  redirecting: "Taking you to your bank to confirm the payment…",
  retry: "Try again",
  close: "Close",
  dialogTitle: "Pay securely",
  cardIncomplete: "Please complete your card details.",
  enterCardAgain: "Please enter your card details again.",
  outOfStock: "Sorry, something in your cart just sold out.",
  soldOut: "Sorry, not enough left of: {items}. Change your cart to continue.",
  editCart: "Edit your cart",
  alreadyPaid: "This order is already paid. Nothing more to pay.",
  viewOrder: "View your order",
  successReview: "Payment received. We're reviewing your order and will confirm it shortly.",
  stillChecking: "Still confirming your payment with the bank. Please don't pay again.",
  rateLimited: "Too many payment attempts. Please wait a few minutes, then try again.",
  cartChanged: "Your cart changed. Please review it before paying.",
  networkError: "We couldn't reach the payment service. Check your connection and try again.",
  unavailable: "Payments are not available right now. Please try again in a moment.",
  misconfigured: "Card payments are not set up correctly on this site. Please contact the shop.",
  genericError: "Something went wrong. Please try again.",
};

/** On globalThis under a shared symbol: a pack loaded beside any copy of Handoff (or before it) is seen. */
const LOCALES = Symbol.for("handoff.locales");
const registry = globalThis as typeof globalThis & { [LOCALES]?: Record<string, Strings> };

const language = (locale: string) => locale.toLowerCase().split("-")[0] ?? "";

/**
 * Strings for a BCP 47 locale ("fr-FR" → fr) from the language packs loaded, English when none
 * matches, with overrides on top.
 */
export function stringsFor(locale: string, overrides: Partial<Strings> = {}): Strings {
  return { ...en, ...registry[LOCALES]?.[language(locale)], ...overrides };
}

/**
 * Adds a language pack ("fr": the French strings). Checkouts already on the page render again in it,
 * whichever script ran first.
 */
export function addLocale(locale: string, strings: Strings): void {
  registry[LOCALES] ??= {};
  registry[LOCALES][language(locale)] = strings;
  if (typeof document === "undefined") return;
  for (const element of document.querySelectorAll("handoff-checkout"))
    (element as { requestUpdate?: () => void }).requestUpdate?.();
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
