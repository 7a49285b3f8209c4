/**
 * Every string the widget shows; merchants override any of them with the `strings` option. Decline
 * messages are not here: the confirm endpoint answers them in the shopper's language.
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

const fr: Strings = {
  pay: "Payer {amount}",
  processing: "Paiement en cours…",
  loading: "Chargement du formulaire de paiement sécurisé…",
  success: "Paiement réussi. Merci !",
  redirecting: "Redirection vers votre banque pour confirmer le paiement…",
  retry: "Réessayer",
  close: "Fermer",
  dialogTitle: "Paiement sécurisé",
  cardIncomplete: "Veuillez compléter les informations de votre carte.",
  enterCardAgain: "Veuillez saisir à nouveau les informations de votre carte.",
  outOfStock: "Désolé, un article de votre panier vient d'être épuisé.",
  soldOut: "Désolé, il n'en reste pas assez : {items}. Modifiez votre panier pour continuer.",
  editCart: "Modifier votre panier",
  alreadyPaid: "Cette commande est déjà payée. Il n'y a plus rien à payer.",
  viewOrder: "Voir votre commande",
  successReview: "Paiement reçu. Nous vérifions votre commande et la confirmerons sous peu.",
  stillChecking: "Confirmation du paiement auprès de la banque en cours. Ne payez pas une seconde fois.",
  rateLimited: "Trop de tentatives de paiement. Patientez quelques minutes, puis réessayez.",
  cartChanged: "Votre panier a changé. Vérifiez-le avant de payer.",
  networkError: "Impossible de joindre le service de paiement. Vérifiez votre connexion et réessayez.",
  unavailable: "Le paiement est momentanément indisponible. Réessayez dans un instant.",
  misconfigured: "Le paiement par carte n'est pas bien configuré sur ce site. Contactez la boutique.",
  genericError: "Une erreur est survenue. Veuillez réessayer.",
};

const TABLE: Record<string, Strings> = { en, fr };

/** Strings for a BCP 47 locale ("fr-FR" → fr), falling back to English, with overrides on top. */
export function stringsFor(locale: string, overrides: Partial<Strings> = {}): Strings {
  const base = TABLE[locale.toLowerCase().split("-")[0] ?? "en"] ?? en;
  return { ...base, ...overrides };
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
