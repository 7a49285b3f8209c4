import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Finnish. Importing this module (or loading `handoff.fi.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="fi-…">` on the page speak Finnish, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Maksa {amount}",
  processing: "Maksuasi käsitellään…",
  loading: "Suojattua maksulomaketta ladataan…",
  success: "Maksu onnistui. Kiitos!",
  redirecting: "Sinut ohjataan pankkiisi vahvistamaan maksun…",
  retry: "Yritä uudelleen",
  close: "Sulje",
  dialogTitle: "Maksa turvallisesti",
  orCard: "Tai maksa kortilla",
  cardIncomplete: "Täydennä korttisi tiedot.",
  enterCardAgain: "Anna korttisi tiedot uudelleen.",
  outOfStock: "Valitettavasti jokin ostoskorisi tuote on juuri loppunut.",
  soldOut: "Valitettavasti tuotetta ei ole tarpeeksi jäljellä: {items}. Muuta ostoskoria jatkaaksesi.",
  editCart: "Muokkaa ostoskoria",
  alreadyPaid: "Tämä tilaus on jo maksettu. Maksettavaa ei ole enää.",
  viewOrder: "Näytä tilauksesi",
  successReview: "Maksu vastaanotettu. Tarkistamme tilauksesi ja vahvistamme sen pian.",
  stillChecking: "Vahvistamme maksua vielä pankin kanssa. Älä maksa uudelleen.",
  rateLimited: "Liian monta maksuyritystä. Odota muutama minuutti ja yritä sitten uudelleen.",
  cartChanged: "Ostoskorisi on muuttunut. Tarkista se ennen maksamista.",
  networkError: "Maksupalveluun ei saatu yhteyttä. Tarkista yhteytesi ja yritä uudelleen.",
  unavailable: "Maksaminen ei ole juuri nyt mahdollista. Yritä hetken kuluttua uudelleen.",
  misconfigured: "Korttimaksuja ei ole määritetty oikein tällä sivustolla. Ota yhteyttä kauppaan.",
  genericError: "Jokin meni vikaan. Yritä uudelleen.",
};

export const flow: FlowLabels = {
  "card.card_number": "Kortin numero",
  "card.card_number.invalid": "Kortin numero on puutteellinen",
  "card.expiry_date": "Voimassaolo",
  "card.expiry_date.invalid": "Kortin voimassaolo on päättynyt",
  "card.expiry_date.placeholder.month": "KK",
  "card.expiry_date.placeholder.year": "VV",
  "card.security_code": "Turvakoodi",
  "card.security_code.invalid": "Kortin turvakoodi on puutteellinen",
  "card.security_code.placeholder": "CVC",
};

addLocale("fi", strings, flow);
