import type { Catalogue } from "./catalogue.js";
import { en } from "./en.js";

export type { Catalogue, Formatters, NoticeCode, SettlementWords } from "./catalogue.js";

const CATALOGUES: Record<string, Catalogue> = { en };

/** The console's wording in `language` (a BCP 47 tag or its first part); English when there is none. */
export function messages(language?: string): Catalogue {
  const base = language?.toLowerCase().split("-")[0] ?? "en";
  return CATALOGUES[base] ?? en;
}
