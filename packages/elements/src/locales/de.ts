import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * German. Importing this module (or loading `handoff.de.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="de-…">` on the page speak German, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "{amount} bezahlen",
  processing: "Ihre Zahlung wird verarbeitet…",
  loading: "Sicheres Zahlungsformular wird geladen…",
  success: "Zahlung erfolgreich. Vielen Dank!",
  redirecting: "Sie werden zu Ihrer Bank weitergeleitet, um die Zahlung zu bestätigen…",
  retry: "Erneut versuchen",
  close: "Schließen",
  dialogTitle: "Sicher bezahlen",
  orCard: "Oder mit Karte bezahlen",
  cardIncomplete: "Bitte vervollständigen Sie Ihre Kartendaten.",
  enterCardAgain: "Bitte geben Sie Ihre Kartendaten erneut ein.",
  outOfStock: "Leider ist ein Artikel in Ihrem Warenkorb gerade ausverkauft.",
  soldOut: "Leider nicht mehr genug vorrätig: {items}. Ändern Sie Ihren Warenkorb, um fortzufahren.",
  editCart: "Warenkorb bearbeiten",
  alreadyPaid: "Diese Bestellung ist bereits bezahlt. Es ist nichts mehr zu zahlen.",
  viewOrder: "Bestellung ansehen",
  successReview: "Zahlung erhalten. Wir prüfen Ihre Bestellung und bestätigen sie in Kürze.",
  stillChecking: "Ihre Zahlung wird noch mit der Bank bestätigt. Bitte nicht erneut bezahlen.",
  rateLimited: "Zu viele Zahlungsversuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.",
  cartChanged: "Ihr Warenkorb hat sich geändert. Bitte prüfen Sie ihn vor dem Bezahlen.",
  networkError:
    "Der Zahlungsdienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
  unavailable: "Zahlungen sind gerade nicht möglich. Bitte versuchen Sie es gleich noch einmal.",
  misconfigured:
    "Kartenzahlungen sind auf dieser Website nicht richtig eingerichtet. Bitte wenden Sie sich an den Shop.",
  genericError: "Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.",
};

export const flow: FlowLabels = {
  "card.card_number": "Kartennummer",
  "card.card_number.invalid": "Ihre Kartennummer ist unvollständig",
  "card.expiry_date": "Ablaufdatum",
  "card.expiry_date.invalid": "Das Ablaufdatum Ihrer Karte liegt in der Vergangenheit",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "JJ",
  "card.security_code": "Sicherheitscode",
  "card.security_code.invalid": "Der Sicherheitscode Ihrer Karte ist unvollständig",
  "card.security_code.placeholder": "CVC",
};

addLocale("de", strings, flow);
