import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * French. Importing this module (or loading `handoff.fr.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="fr-…">` on the page speak French, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Payer {amount}",
  processing: "Paiement en cours…",
  loading: "Chargement du formulaire de paiement sécurisé…",
  success: "Paiement réussi. Merci !",
  redirecting: "Redirection vers votre banque pour confirmer le paiement…",
  retry: "Réessayer",
  close: "Fermer",
  dialogTitle: "Paiement sécurisé",
  orCard: "Ou payez par carte",
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

export const flow: FlowLabels = {
  "card.card_number": "Numéro de carte",
  "card.card_number.invalid": "Votre numéro de carte est incomplet",
  "card.expiry_date": "Date d'expiration",
  "card.expiry_date.invalid": "La date d'expiration de votre carte est passée",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "AA",
  "card.security_code": "Code de sécurité",
  "card.security_code.invalid": "Le code de sécurité de votre carte est incomplet",
  "card.security_code.placeholder": "CVC",
};

addLocale("fr", strings, flow);
