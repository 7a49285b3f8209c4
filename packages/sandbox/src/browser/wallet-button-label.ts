/**
 * The label of the sandbox's stand-in wallet buttons, in each language Handoff's widget speaks
 * (the real Apple Pay and Google Pay buttons are drawn in the shopper's language by the wallet);
 * English otherwise. `{brand}` is "Apple Pay" or "Google Pay", never translated.
 */
export const WALLET_BUTTON_LABELS: Readonly<Record<string, string>> = {
  en: "Pay with {brand}",
  fr: "Payer avec {brand}",
  de: "Mit {brand} bezahlen",
  es: "Pagar con {brand}",
  it: "Paga con {brand}",
  nl: "Betalen met {brand}",
  pt: "Pagar com {brand}",
  pl: "Zapłać przez {brand}",
  sv: "Betala med {brand}",
  da: "Betal med {brand}",
  fi: "Maksa palvelulla {brand}",
  nb: "Betal med {brand}",
  ja: "{brand}で支払う",
  ar: "ادفع باستخدام {brand}",
};

/** The button's label for a BCP 47 locale ("nb-NO" → nb). */
export function walletButtonLabel(locale: string, brand: string): string {
  const language = locale.toLowerCase().split("-")[0] ?? "";
  return (WALLET_BUTTON_LABELS[language] ?? (WALLET_BUTTON_LABELS.en as string)).replace("{brand}", brand);
}
