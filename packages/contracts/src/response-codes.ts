/**
 * Checkout.com `response_code` classification (reference §3.3): 10xxx approved, 20xxx soft decline
 * (a later attempt may succeed), 30xxx hard decline (the card must change), 40xxx risk.
 * Shoppers get a short, honest message per reason; fraud-adjacent codes deliberately get a
 * generic one so the message does not coach card testers.
 */
import { MORE_DECLINE_MESSAGES } from "./decline-messages.js";

export type ResponseCategory = "approved" | "soft" | "hard" | "risk";

export const DECLINE_REASONS = [
  "insufficient_funds",
  "card_expired",
  "card_number_invalid",
  "card_details_invalid",
  "cvv_failed",
  "limit_exceeded",
  "not_permitted",
  "contact_issuer",
  "issuer_unavailable",
  "authentication_failed",
  "authentication_required",
  "card_unusable",
  "risk_blocked",
  "generic_decline",
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

const REASON_BY_CODE: Readonly<Record<string, DeclineReason>> = {
  "20001": "contact_issuer",
  "20005": "generic_decline",
  "20012": "not_permitted",
  "20014": "card_number_invalid",
  "20020": "issuer_unavailable",
  "20051": "insufficient_funds",
  "20054": "card_expired",
  "20057": "not_permitted",
  "20059": "generic_decline",
  "20061": "limit_exceeded",
  "20062": "not_permitted",
  "20063": "generic_decline",
  "20068": "issuer_unavailable",
  "20078": "contact_issuer",
  "20082": "cvv_failed",
  "20087": "card_details_invalid",
  "20150": "authentication_failed",
  "20151": "authentication_failed",
  "20152": "authentication_failed",
  "20153": "authentication_failed",
  "20154": "authentication_required",
  "200N7": "cvv_failed",
  "200R1": "contact_issuer",
  "200R3": "contact_issuer",
  "2005C": "not_permitted",
  "2009G": "not_permitted",
  "30004": "card_unusable",
  "30007": "card_unusable",
  "30015": "card_number_invalid",
  "30033": "card_expired",
  "30041": "card_unusable",
  "30043": "card_unusable",
  "30046": "card_unusable",
};

/** Shopper-safe English messages; the widget carries translations keyed by the same reasons. */
export const DECLINE_MESSAGES_EN: Readonly<Record<DeclineReason, string>> = {
  insufficient_funds: "Your card has insufficient funds. Try another card.",
  card_expired: "Your card has expired. Try another card.",
  card_number_invalid: "The card number isn't valid. Check it or try another card.",
  card_details_invalid: "The card details don't match. Check the expiry date and security code.",
  cvv_failed: "The security code didn't match. Check it and try again.",
  limit_exceeded: "This payment is over your card's limit. Try a smaller amount or another card.",
  not_permitted: "Your card can't be used for this purchase. Try another card.",
  contact_issuer: "Your bank declined this payment. Contact your bank or try another card.",
  issuer_unavailable: "Your bank didn't respond in time. Please try again.",
  authentication_failed: "We couldn't verify this payment with your bank. Try again or use another card.",
  authentication_required: "Your bank needs to verify this payment. Please try again.",
  card_unusable: "This card can't be used. Please use another card.",
  risk_blocked: "We couldn't accept this payment. Please use another payment method.",
  generic_decline: "Your card was declined. Try another card or contact your bank.",
};

const DECLINE_MESSAGES_FR: Readonly<Record<DeclineReason, string>> = {
  insufficient_funds: "Fonds insuffisants sur votre carte. Essayez une autre carte.",
  card_expired: "Votre carte a expiré. Essayez une autre carte.",
  card_number_invalid: "Le numéro de carte n'est pas valide. Vérifiez-le ou essayez une autre carte.",
  card_details_invalid: "Les informations de la carte ne correspondent pas. Vérifiez la date et le code.",
  cvv_failed: "Le code de sécurité ne correspond pas. Vérifiez-le et réessayez.",
  limit_exceeded: "Ce paiement dépasse le plafond de votre carte. Essayez une autre carte.",
  not_permitted: "Votre carte ne peut pas être utilisée pour cet achat. Essayez une autre carte.",
  contact_issuer: "Votre banque a refusé ce paiement. Contactez-la ou essayez une autre carte.",
  issuer_unavailable: "Votre banque n'a pas répondu à temps. Veuillez réessayer.",
  authentication_failed:
    "Votre banque n'a pas pu vérifier ce paiement. Réessayez ou utilisez une autre carte.",
  authentication_required: "Votre banque doit vérifier ce paiement. Veuillez réessayer.",
  card_unusable: "Cette carte ne peut pas être utilisée. Utilisez une autre carte.",
  risk_blocked: "Nous ne pouvons pas accepter ce paiement. Utilisez un autre moyen de paiement.",
  generic_decline: "Votre carte a été refusée. Essayez une autre carte ou contactez votre banque.",
};

/** Decline messages by language; add a language here and every shopper using it is served. */
export const DECLINE_MESSAGES: Readonly<Record<string, Readonly<Record<DeclineReason, string>>>> = {
  en: DECLINE_MESSAGES_EN,
  fr: DECLINE_MESSAGES_FR,
  ...MORE_DECLINE_MESSAGES,
};

export interface ResponseClassification {
  category: ResponseCategory;
  /** For declines: the reason shown to merchants and keyed into shopper messages. */
  reason: DeclineReason | null;
  /** Whether the shopper may try again (with a fresh token) and reasonably succeed. */
  retryable: boolean;
}

export function classifyResponseCode(code: string): ResponseClassification {
  const family = code.charAt(0);
  if (family === "1") return { category: "approved", reason: null, retryable: false };
  if (family === "4") return { category: "risk", reason: "risk_blocked", retryable: false };
  if (family === "3") {
    return { category: "hard", reason: REASON_BY_CODE[code] ?? "card_unusable", retryable: false };
  }
  // 20xxx and anything unrecognised: a soft decline with the generic message is the safe default.
  return { category: "soft", reason: REASON_BY_CODE[code] ?? "generic_decline", retryable: true };
}

/** The shopper's message for a decline, in their language ("fr-FR" → fr), English when we have none. */
export function declineMessage(reason: DeclineReason, locale = "en"): string {
  const language = locale.toLowerCase().split("-")[0] ?? "en";
  return (DECLINE_MESSAGES[language] ?? DECLINE_MESSAGES_EN)[reason];
}

/** The first language of an Accept-Language header ("fr-CH, fr;q=0.9, en;q=0.8" → "fr-CH"). */
export function preferredLocale(acceptLanguage: string | undefined | null): string | undefined {
  const first = acceptLanguage?.split(",")[0]?.split(";")[0]?.trim();
  return first && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/.test(first) ? first : undefined;
}
