/** The languages the widget speaks: English built in, every other one a pack (`handoff.<code>.js`). */
export const LANGUAGES = [
  "en",
  "fr",
  "de",
  "es",
  "it",
  "nl",
  "pt",
  "pl",
  "sv",
  "da",
  "fi",
  "nb",
  "ja",
  "ar",
] as const;
export type Language = (typeof LANGUAGES)[number];
