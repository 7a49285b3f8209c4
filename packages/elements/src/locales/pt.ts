import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Portuguese. Importing this module (or loading `handoff.pt.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="pt-…">` on the page speak Portuguese, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "Pagar {amount}",
  processing: "A processar o seu pagamento…",
  loading: "A carregar o formulário de pagamento seguro…",
  success: "Pagamento concluído. Obrigado!",
  redirecting: "A redirecioná-lo para o seu banco para confirmar o pagamento…",
  retry: "Tentar novamente",
  close: "Fechar",
  dialogTitle: "Pagamento seguro",
  orCard: "Ou pague com cartão",
  cardIncomplete: "Preencha os dados do seu cartão.",
  enterCardAgain: "Introduza novamente os dados do seu cartão.",
  outOfStock: "Lamentamos, um artigo do seu carrinho acabou de esgotar.",
  soldOut: "Lamentamos, não há unidades suficientes de: {items}. Altere o carrinho para continuar.",
  editCart: "Alterar o carrinho",
  alreadyPaid: "Esta encomenda já está paga. Não há mais nada a pagar.",
  viewOrder: "Ver a sua encomenda",
  successReview: "Pagamento recebido. Estamos a verificar a sua encomenda e vamos confirmá-la em breve.",
  stillChecking: "Ainda estamos a confirmar o pagamento com o banco. Não pague novamente.",
  rateLimited: "Demasiadas tentativas de pagamento. Aguarde alguns minutos e tente novamente.",
  cartChanged: "O seu carrinho mudou. Verifique-o antes de pagar.",
  networkError: "Não foi possível contactar o serviço de pagamento. Verifique a ligação e tente novamente.",
  unavailable: "Os pagamentos não estão disponíveis neste momento. Tente novamente daqui a pouco.",
  misconfigured: "Os pagamentos com cartão não estão bem configurados neste site. Contacte a loja.",
  genericError: "Ocorreu um erro. Tente novamente.",
};

export const flow: FlowLabels = {
  "card.card_number": "Número do cartão",
  "card.card_number.invalid": "O número do cartão está incompleto",
  "card.expiry_date": "Data de validade",
  "card.expiry_date.invalid": "A data de validade do cartão já passou",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "AA",
  "card.security_code": "Código de segurança",
  "card.security_code.invalid": "O código de segurança do cartão está incompleto",
  "card.security_code.placeholder": "CVC",
};

addLocale("pt", strings, flow);
