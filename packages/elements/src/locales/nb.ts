import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Norwegian Bokmål. Importing this module (or loading `handoff.nb.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="nb-…">` on the page speak Norwegian Bokmål, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Betal {amount}",
  processing: "Betalingen din behandles…",
  loading: "Laster inn det sikre betalingsskjemaet…",
  success: "Betalingen er fullført. Takk!",
  redirecting: "Du sendes til banken din for å bekrefte betalingen…",
  retry: "Prøv igjen",
  close: "Lukk",
  dialogTitle: "Betal trygt",
  orCard: "Eller betal med kort",
  cardIncomplete: "Fyll ut kortopplysningene dine.",
  enterCardAgain: "Skriv inn kortopplysningene dine på nytt.",
  outOfStock: "Beklager, en vare i handlekurven din ble nettopp utsolgt.",
  soldOut: "Beklager, det er ikke nok igjen av: {items}. Endre handlekurven for å fortsette.",
  editCart: "Endre handlekurven",
  alreadyPaid: "Denne bestillingen er allerede betalt. Det er ikke mer å betale.",
  viewOrder: "Se bestillingen din",
  successReview: "Betalingen er mottatt. Vi går gjennom bestillingen din og bekrefter den snart.",
  stillChecking: "Vi bekrefter fortsatt betalingen med banken. Ikke betal på nytt.",
  rateLimited: "For mange betalingsforsøk. Vent noen minutter, og prøv deretter igjen.",
  cartChanged: "Handlekurven din er endret. Se over den før du betaler.",
  networkError: "Vi fikk ikke kontakt med betalingstjenesten. Sjekk tilkoblingen og prøv igjen.",
  unavailable: "Betaling er ikke tilgjengelig akkurat nå. Prøv igjen om litt.",
  misconfigured: "Kortbetaling er ikke riktig satt opp på dette nettstedet. Kontakt butikken.",
  genericError: "Noe gikk galt. Prøv igjen.",
};

export const flow: FlowLabels = {
  "card.card_number": "Kortnummer",
  "card.card_number.invalid": "Kortnummeret er ufullstendig",
  "card.expiry_date": "Utløpsdato",
  "card.expiry_date.invalid": "Kortets utløpsdato er passert",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "ÅÅ",
  "card.security_code": "Sikkerhetskode",
  "card.security_code.invalid": "Kortets sikkerhetskode er ufullstendig",
  "card.security_code.placeholder": "CVC",
};

addLocale("nb", strings, flow);
