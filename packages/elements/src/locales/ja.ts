import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Japanese. Importing this module (or loading `handoff.ja.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="ja-…">` on the page speak Japanese, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "{amount} を支払う",
  processing: "お支払いを処理しています…",
  loading: "安全な支払いフォームを読み込んでいます…",
  success: "お支払いが完了しました。ありがとうございました。",
  redirecting: "お支払いを確認するため、銀行のページに移動します…",
  retry: "もう一度試す",
  close: "閉じる",
  dialogTitle: "安全なお支払い",
  orCard: "またはカードで支払う",
  cardIncomplete: "カード情報をすべて入力してください。",
  enterCardAgain: "カード情報をもう一度入力してください。",
  outOfStock: "申し訳ありません。カート内の商品が売り切れになりました。",
  soldOut: "申し訳ありません。在庫が足りません: {items}。続けるにはカートを変更してください。",
  editCart: "カートを変更する",
  alreadyPaid: "このご注文はお支払い済みです。追加のお支払いはありません。",
  viewOrder: "ご注文を見る",
  successReview: "お支払いを受け付けました。ご注文を確認のうえ、まもなく確定します。",
  stillChecking: "銀行でお支払いを確認しています。もう一度支払わないでください。",
  rateLimited: "お支払いの試行回数が多すぎます。数分待ってからもう一度お試しください。",
  cartChanged: "カートの内容が変わりました。お支払いの前にご確認ください。",
  networkError: "決済サービスに接続できませんでした。接続を確認して、もう一度お試しください。",
  unavailable: "現在お支払いを受け付けられません。しばらくしてからもう一度お試しください。",
  misconfigured: "このサイトではカード決済が正しく設定されていません。ショップにお問い合わせください。",
  genericError: "問題が発生しました。もう一度お試しください。",
};

export const flow: FlowLabels = {
  "card.card_number": "カード番号",
  "card.card_number.invalid": "カード番号が不完全です",
  "card.expiry_date": "有効期限",
  "card.expiry_date.invalid": "カードの有効期限が切れています",
  "card.expiry_date.placeholder.month": "MM",
  "card.expiry_date.placeholder.year": "YY",
  "card.security_code": "セキュリティコード",
  "card.security_code.invalid": "セキュリティコードが不完全です",
  "card.security_code.placeholder": "CVC",
};

addLocale("ja", strings, flow);
