import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Swedish. Importing this module (or loading `handoff.sv.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="sv-…">` on the page speak Swedish, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Betala {amount}",
  processing: "Din betalning behandlas…",
  loading: "Läser in det säkra betalformuläret…",
  success: "Betalningen är klar. Tack!",
  redirecting: "Du skickas till din bank för att bekräfta betalningen…",
  retry: "Försök igen",
  close: "Stäng",
  dialogTitle: "Betala säkert",
  orCard: "Eller betala med kort",
  cardIncomplete: "Fyll i dina kortuppgifter.",
  enterCardAgain: "Ange dina kortuppgifter igen.",
  outOfStock: "Tyvärr har något i din varukorg precis tagit slut.",
  soldOut: "Tyvärr finns det inte tillräckligt kvar av: {items}. Ändra din varukorg för att fortsätta.",
  editCart: "Ändra varukorgen",
  alreadyPaid: "Den här beställningen är redan betald. Det finns inget mer att betala.",
  viewOrder: "Visa din beställning",
  successReview: "Betalningen har tagits emot. Vi granskar din beställning och bekräftar den snart.",
  stillChecking: "Vi bekräftar fortfarande betalningen med banken. Betala inte igen.",
  rateLimited: "För många betalningsförsök. Vänta några minuter och försök sedan igen.",
  cartChanged: "Din varukorg har ändrats. Kontrollera den innan du betalar.",
  networkError: "Vi kunde inte nå betaltjänsten. Kontrollera din anslutning och försök igen.",
  unavailable: "Betalningar är inte tillgängliga just nu. Försök igen om en stund.",
  misconfigured: "Kortbetalningar är inte korrekt inställda på den här webbplatsen. Kontakta butiken.",
  genericError: "Något gick fel. Försök igen.",
};

export const flow: FlowLabels = {
  "card.card_number": "Kortnummer",
  "card.card_number.invalid": "Ditt kortnummer är ofullständigt",
  "card.expiry_date": "Utgångsdatum",
  "card.expiry_date.invalid": "Kortets utgångsdatum har passerat",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "ÅÅ",
  "card.security_code": "Säkerhetskod",
  "card.security_code.invalid": "Kortets säkerhetskod är ofullständig",
  "card.security_code.placeholder": "CVC",
};

addLocale("sv", strings, flow);
