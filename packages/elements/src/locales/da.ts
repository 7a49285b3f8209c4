import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Danish. Importing this module (or loading `handoff.da.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="da-…">` on the page speak Danish, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Betal {amount}",
  processing: "Din betaling behandles…",
  loading: "Indlæser den sikre betalingsformular…",
  success: "Betalingen er gennemført. Tak!",
  redirecting: "Du sendes til din bank for at bekræfte betalingen…",
  retry: "Prøv igen",
  close: "Luk",
  dialogTitle: "Betal sikkert",
  orCard: "Eller betal med kort",
  cardIncomplete: "Udfyld dine kortoplysninger.",
  enterCardAgain: "Indtast dine kortoplysninger igen.",
  outOfStock: "Beklager, en vare i din kurv er netop blevet udsolgt.",
  soldOut: "Beklager, der er ikke nok tilbage af: {items}. Ret din kurv for at fortsætte.",
  editCart: "Ret din kurv",
  alreadyPaid: "Denne ordre er allerede betalt. Der er ikke mere at betale.",
  viewOrder: "Se din ordre",
  successReview: "Betalingen er modtaget. Vi gennemgår din ordre og bekræfter den snart.",
  stillChecking: "Vi bekræfter stadig betalingen med banken. Betal ikke igen.",
  rateLimited: "For mange betalingsforsøg. Vent et par minutter, og prøv så igen.",
  cartChanged: "Din kurv er ændret. Gennemgå den, før du betaler.",
  networkError: "Vi kunne ikke få forbindelse til betalingstjenesten. Tjek din forbindelse, og prøv igen.",
  unavailable: "Betalinger er ikke mulige lige nu. Prøv igen om lidt.",
  misconfigured: "Kortbetalinger er ikke sat korrekt op på dette websted. Kontakt butikken.",
  genericError: "Noget gik galt. Prøv igen.",
};

export const flow: FlowLabels = {
  "card.card_number": "Kortnummer",
  "card.card_number.invalid": "Dit kortnummer er ufuldstændigt",
  "card.expiry_date": "Udløbsdato",
  "card.expiry_date.invalid": "Kortets udløbsdato er overskredet",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "ÅÅ",
  "card.security_code": "Sikkerhedskode",
  "card.security_code.invalid": "Kortets sikkerhedskode er ufuldstændig",
  "card.security_code.placeholder": "CVC",
};

addLocale("da", strings, flow);
