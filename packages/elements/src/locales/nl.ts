import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Dutch. Importing this module (or loading `handoff.nl.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="nl-…">` on the page speak Dutch, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Betaal {amount}",
  processing: "Je betaling wordt verwerkt…",
  loading: "Beveiligd betaalformulier wordt geladen…",
  success: "Betaling gelukt. Bedankt!",
  redirecting: "We sturen je naar je bank om de betaling te bevestigen…",
  retry: "Opnieuw proberen",
  close: "Sluiten",
  dialogTitle: "Veilig betalen",
  orCard: "Of betaal met een kaart",
  cardIncomplete: "Vul je kaartgegevens volledig in.",
  enterCardAgain: "Voer je kaartgegevens opnieuw in.",
  outOfStock: "Sorry, iets in je winkelwagen is net uitverkocht.",
  soldOut: "Sorry, er is niet genoeg meer van: {items}. Pas je winkelwagen aan om verder te gaan.",
  editCart: "Winkelwagen aanpassen",
  alreadyPaid: "Deze bestelling is al betaald. Er hoeft niets meer betaald te worden.",
  viewOrder: "Bekijk je bestelling",
  successReview: "Betaling ontvangen. We controleren je bestelling en bevestigen die binnenkort.",
  stillChecking: "We bevestigen je betaling nog bij de bank. Betaal niet opnieuw.",
  rateLimited: "Te veel betaalpogingen. Wacht een paar minuten en probeer het dan opnieuw.",
  cartChanged: "Je winkelwagen is gewijzigd. Controleer hem voordat je betaalt.",
  networkError: "We konden de betaaldienst niet bereiken. Controleer je verbinding en probeer het opnieuw.",
  unavailable: "Betalen is op dit moment niet mogelijk. Probeer het zo opnieuw.",
  misconfigured: "Kaartbetalingen zijn op deze site niet goed ingesteld. Neem contact op met de winkel.",
  genericError: "Er ging iets mis. Probeer het opnieuw.",
};

export const flow: FlowLabels = {
  "card.card_number": "Kaartnummer",
  "card.card_number.invalid": "Je kaartnummer is onvolledig",
  "card.expiry_date": "Vervaldatum",
  "card.expiry_date.invalid": "De vervaldatum van je kaart ligt in het verleden",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "JJ",
  "card.security_code": "Beveiligingscode",
  "card.security_code.invalid": "De beveiligingscode van je kaart is onvolledig",
  "card.security_code.placeholder": "CVC",
};

addLocale("nl", strings, flow);
