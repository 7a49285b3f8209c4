import { addLocale, type FlowLabels, type Strings } from "../strings.js";

/**
 * Arabic. Importing this module (or loading `handoff.ar.js` beside `handoff.js`) makes every
 * `<handoff-checkout locale="ar-…">` on the page speak Arabic, and gives Flow's card fields the same labels.
 */
export const strings: Strings = {
  pay: "ادفع {amount}",
  processing: "جارٍ معالجة الدفع…",
  loading: "جارٍ تحميل نموذج الدفع الآمن…",
  success: "تم الدفع بنجاح. شكرًا لك!",
  redirecting: "جارٍ تحويلك إلى مصرفك لتأكيد الدفع…",
  retry: "حاول مرة أخرى",
  close: "إغلاق",
  dialogTitle: "ادفع بأمان",
  orCard: "أو ادفع بالبطاقة",
  cardIncomplete: "يُرجى إكمال بيانات بطاقتك.",
  enterCardAgain: "يُرجى إدخال بيانات بطاقتك مرة أخرى.",
  outOfStock: "عذرًا، نفد للتو أحد المنتجات في سلتك.",
  soldOut: "عذرًا، الكمية المتبقية غير كافية من: {items}. عدّل سلتك للمتابعة.",
  editCart: "تعديل السلة",
  alreadyPaid: "هذا الطلب مدفوع بالفعل. لا يوجد مبلغ آخر للدفع.",
  viewOrder: "عرض طلبك",
  successReview: "تم استلام الدفع. نراجع طلبك وسنؤكده قريبًا.",
  stillChecking: "ما زلنا نؤكد الدفع مع المصرف. يُرجى عدم الدفع مرة أخرى.",
  rateLimited: "محاولات دفع كثيرة جدًا. انتظر بضع دقائق ثم حاول مرة أخرى.",
  cartChanged: "تغيّرت سلتك. يُرجى مراجعتها قبل الدفع.",
  networkError: "تعذّر الوصول إلى خدمة الدفع. تحقّق من اتصالك وحاول مرة أخرى.",
  unavailable: "الدفع غير متاح حاليًا. يُرجى المحاولة بعد قليل.",
  misconfigured: "الدفع بالبطاقة غير مُعدّ بشكل صحيح على هذا الموقع. يُرجى التواصل مع المتجر.",
  genericError: "حدث خطأ ما. يُرجى المحاولة مرة أخرى.",
};

export const flow: FlowLabels = {
  "card.card_number": "رقم البطاقة",
  "card.card_number.invalid": "رقم بطاقتك غير مكتمل",
  "card.expiry_date": "تاريخ الانتهاء",
  "card.expiry_date.invalid": "انتهت صلاحية بطاقتك",
  "card.expiry_date.placeholder.month": "شهر",
  "card.expiry_date.placeholder.year": "سنة",
  "card.security_code": "رمز الأمان",
  "card.security_code.invalid": "رمز أمان بطاقتك غير مكتمل",
  "card.security_code.placeholder": "CVC",
};

addLocale("ar", strings, flow);
