/**
 * The sandbox's own line under the card fields, telling the shopper which test card to type, in
 * each language Handoff's widget speaks (packages/elements/src/languages.ts); English otherwise.
 * `{card}` is where the card number goes: the frame keeps it left to right in a right-to-left page.
 */
export const TEST_CARD_HINTS: Readonly<Record<string, string>> = {
  en: "Sandbox: try {card}, any future date, any CVC.",
  fr: "Sandbox : essayez {card}, une date future et n'importe quel cryptogramme.",
  de: "Sandbox: Testen Sie {card} mit einem beliebigen zukünftigen Datum und einer beliebigen Prüfnummer.",
  es: "Sandbox: prueba {card}, cualquier fecha futura y cualquier CVC.",
  it: "Sandbox: prova {card}, una data futura qualsiasi e un CVC qualsiasi.",
  nl: "Sandbox: probeer {card}, een willekeurige datum in de toekomst en een willekeurige CVC.",
  pt: "Sandbox: experimente {card}, qualquer data futura e qualquer CVC.",
  pl: "Sandbox: wpisz {card}, dowolną przyszłą datę i dowolny kod CVC.",
  sv: "Sandlåda: prova {card}, valfritt framtida datum och valfri CVC.",
  da: "Sandkasse: prøv {card}, en vilkårlig fremtidig dato og en vilkårlig CVC.",
  fi: "Testiympäristö: kokeile korttia {card}, mitä tahansa tulevaa päivämäärää ja mitä tahansa CVC-koodia.",
  nb: "Sandkasse: prøv {card}, en hvilken som helst fremtidig dato og en hvilken som helst CVC.",
  ja: "サンドボックス：{card} と、任意の将来の有効期限、任意のセキュリティコードをお試しください。",
  ar: "بيئة الاختبار: جرّب {card} مع أي تاريخ مستقبلي وأي رمز تحقق (CVC).",
};

/** The card the hint names: approved without 3-D Secure. */
export const TEST_CARD = "4242 4242 4242 4242";

/** The hint for a BCP 47 locale ("nb-NO" → nb), as the text before and after the card number. */
export function testCardHint(locale: string): { before: string; after: string } {
  const language = locale.toLowerCase().split("-")[0] ?? "";
  const hint = TEST_CARD_HINTS[language] ?? (TEST_CARD_HINTS.en as string);
  const [before = "", after = ""] = hint.split("{card}");
  return { before, after };
}
