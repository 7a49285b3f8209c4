import { addLocale, type Strings } from "../strings.js";

/**
 * French. Importing this module (or loading `handoff.fr.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="fr-…">` on the page speak French; `stringsFor("fr")` returns them.
 */
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

addLocale("fr", fr);
