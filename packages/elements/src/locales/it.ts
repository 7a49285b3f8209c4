import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Italian. Importing this module (or loading `handoff.it.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="it-…">` on the page speak Italian, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Paga {amount}",
  processing: "Elaborazione del pagamento…",
  loading: "Caricamento del modulo di pagamento sicuro…",
  success: "Pagamento riuscito. Grazie!",
  redirecting: "Ti stiamo portando alla tua banca per confermare il pagamento…",
  retry: "Riprova",
  close: "Chiudi",
  dialogTitle: "Paga in sicurezza",
  orCard: "Oppure paga con carta",
  cardIncomplete: "Completa i dati della tua carta.",
  enterCardAgain: "Inserisci di nuovo i dati della tua carta.",
  outOfStock: "Spiacenti, un articolo nel tuo carrello è appena esaurito.",
  soldOut: "Spiacenti, non ne è rimasto abbastanza: {items}. Modifica il carrello per continuare.",
  editCart: "Modifica il carrello",
  alreadyPaid: "Questo ordine è già stato pagato. Non c'è altro da pagare.",
  viewOrder: "Visualizza il tuo ordine",
  successReview: "Pagamento ricevuto. Stiamo verificando il tuo ordine e lo confermeremo a breve.",
  stillChecking: "Stiamo ancora confermando il pagamento con la banca. Non pagare di nuovo.",
  rateLimited: "Troppi tentativi di pagamento. Attendi qualche minuto, poi riprova.",
  cartChanged: "Il tuo carrello è cambiato. Controllalo prima di pagare.",
  networkError: "Impossibile raggiungere il servizio di pagamento. Controlla la connessione e riprova.",
  unavailable: "I pagamenti non sono disponibili al momento. Riprova tra poco.",
  misconfigured:
    "I pagamenti con carta non sono configurati correttamente su questo sito. Contatta il negozio.",
  genericError: "Si è verificato un errore. Riprova.",
};

export const flow: FlowLabels = {
  "card.card_number": "Numero della carta",
  "card.card_number.invalid": "Il numero della carta è incompleto",
  "card.expiry_date": "Data di scadenza",
  "card.expiry_date.invalid": "La data di scadenza della carta è passata",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "AA",
  "card.security_code": "Codice di sicurezza",
  "card.security_code.invalid": "Il codice di sicurezza della carta è incompleto",
  "card.security_code.placeholder": "CVC",
};

addLocale("it", strings, flow);
