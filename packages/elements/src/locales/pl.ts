import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Polish. Importing this module (or loading `handoff.pl.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="pl-…">` on the page speak Polish, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Zapłać {amount}",
  processing: "Przetwarzamy płatność…",
  loading: "Ładowanie bezpiecznego formularza płatności…",
  success: "Płatność zakończona. Dziękujemy!",
  redirecting: "Przekierowujemy do Twojego banku w celu potwierdzenia płatności…",
  retry: "Spróbuj ponownie",
  close: "Zamknij",
  dialogTitle: "Bezpieczna płatność",
  orCard: "Lub zapłać kartą",
  cardIncomplete: "Uzupełnij dane karty.",
  enterCardAgain: "Wprowadź ponownie dane karty.",
  outOfStock: "Niestety, produkt z Twojego koszyka właśnie się wyprzedał.",
  soldOut: "Niestety, za mało sztuk: {items}. Zmień koszyk, aby kontynuować.",
  editCart: "Edytuj koszyk",
  alreadyPaid: "To zamówienie jest już opłacone. Nie ma nic więcej do zapłaty.",
  viewOrder: "Zobacz zamówienie",
  successReview: "Płatność otrzymana. Sprawdzamy Twoje zamówienie i wkrótce je potwierdzimy.",
  stillChecking: "Wciąż potwierdzamy płatność w banku. Nie płać ponownie.",
  rateLimited: "Zbyt wiele prób płatności. Odczekaj kilka minut i spróbuj ponownie.",
  cartChanged: "Twój koszyk się zmienił. Sprawdź go przed zapłatą.",
  networkError: "Nie udało się połączyć z serwisem płatności. Sprawdź połączenie i spróbuj ponownie.",
  unavailable: "Płatności są chwilowo niedostępne. Spróbuj ponownie za chwilę.",
  misconfigured: "Płatności kartą nie są poprawnie skonfigurowane w tym sklepie. Skontaktuj się ze sklepem.",
  genericError: "Coś poszło nie tak. Spróbuj ponownie.",
};

export const flow: FlowLabels = {
  "card.card_number": "Numer karty",
  "card.card_number.invalid": "Numer karty jest niepełny",
  "card.expiry_date": "Data ważności",
  "card.expiry_date.invalid": "Data ważności karty już minęła",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "RR",
  "card.security_code": "Kod zabezpieczający",
  "card.security_code.invalid": "Kod zabezpieczający karty jest niepełny",
  "card.security_code.placeholder": "CVC",
};

addLocale("pl", strings, flow);
