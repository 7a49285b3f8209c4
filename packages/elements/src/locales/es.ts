import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Spanish. Importing this module (or loading `handoff.es.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="es-…">` on the page speak Spanish, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Pagar {amount}",
  processing: "Procesando tu pago…",
  loading: "Cargando el formulario de pago seguro…",
  success: "Pago realizado. ¡Gracias!",
  redirecting: "Te llevamos a tu banco para confirmar el pago…",
  retry: "Reintentar",
  close: "Cerrar",
  dialogTitle: "Pago seguro",
  orCard: "O paga con tarjeta",
  cardIncomplete: "Completa los datos de tu tarjeta.",
  enterCardAgain: "Vuelve a introducir los datos de tu tarjeta.",
  outOfStock: "Lo sentimos, un artículo de tu carrito se acaba de agotar.",
  soldOut: "Lo sentimos, no quedan suficientes unidades de: {items}. Modifica tu carrito para continuar.",
  editCart: "Modificar el carrito",
  alreadyPaid: "Este pedido ya está pagado. No hay nada más que pagar.",
  viewOrder: "Ver tu pedido",
  successReview: "Pago recibido. Estamos revisando tu pedido y lo confirmaremos en breve.",
  stillChecking: "Seguimos confirmando tu pago con el banco. No vuelvas a pagar.",
  rateLimited: "Demasiados intentos de pago. Espera unos minutos y vuelve a intentarlo.",
  cartChanged: "Tu carrito ha cambiado. Revísalo antes de pagar.",
  networkError:
    "No hemos podido conectar con el servicio de pago. Comprueba tu conexión y vuelve a intentarlo.",
  unavailable: "Los pagos no están disponibles en este momento. Vuelve a intentarlo en un instante.",
  misconfigured:
    "Los pagos con tarjeta no están bien configurados en este sitio. Ponte en contacto con la tienda.",
  genericError: "Algo ha fallado. Vuelve a intentarlo.",
};

export const flow: FlowLabels = {
  "card.card_number": "Número de tarjeta",
  "card.card_number.invalid": "El número de tu tarjeta está incompleto",
  "card.expiry_date": "Fecha de caducidad",
  "card.expiry_date.invalid": "La fecha de caducidad de tu tarjeta ya ha pasado",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "AA",
  "card.security_code": "Código de seguridad",
  "card.security_code.invalid": "El código de seguridad de tu tarjeta está incompleto",
  "card.security_code.placeholder": "CVC",
};

addLocale("es", strings, flow);
