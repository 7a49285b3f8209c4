import type { DeclineReason } from "./response-codes.js";

/**
 * Shopper-safe decline messages beyond English and French, one set per language the widget has a
 * pack for: the confirm endpoint answers in the shopper's language, so one page speaks one language.
 */
export const MORE_DECLINE_MESSAGES: Readonly<Record<string, Readonly<Record<DeclineReason, string>>>> = {
  de: {
    insufficient_funds: "Ihre Karte ist nicht ausreichend gedeckt. Versuchen Sie es mit einer anderen Karte.",
    card_expired: "Ihre Karte ist abgelaufen. Versuchen Sie es mit einer anderen Karte.",
    card_number_invalid:
      "Die Kartennummer ist ungültig. Prüfen Sie sie oder verwenden Sie eine andere Karte.",
    card_details_invalid:
      "Die Kartendaten stimmen nicht überein. Prüfen Sie Ablaufdatum und Sicherheitscode.",
    cvv_failed: "Der Sicherheitscode stimmt nicht. Prüfen Sie ihn und versuchen Sie es erneut.",
    limit_exceeded:
      "Diese Zahlung übersteigt das Limit Ihrer Karte. Versuchen Sie einen kleineren Betrag oder eine andere Karte.",
    not_permitted:
      "Ihre Karte kann für diesen Kauf nicht verwendet werden. Versuchen Sie es mit einer anderen Karte.",
    contact_issuer:
      "Ihre Bank hat diese Zahlung abgelehnt. Wenden Sie sich an Ihre Bank oder verwenden Sie eine andere Karte.",
    issuer_unavailable: "Ihre Bank hat nicht rechtzeitig geantwortet. Bitte versuchen Sie es erneut.",
    authentication_failed:
      "Wir konnten diese Zahlung nicht mit Ihrer Bank bestätigen. Versuchen Sie es erneut oder verwenden Sie eine andere Karte.",
    authentication_required: "Ihre Bank muss diese Zahlung bestätigen. Bitte versuchen Sie es erneut.",
    card_unusable: "Diese Karte kann nicht verwendet werden. Bitte verwenden Sie eine andere Karte.",
    risk_blocked: "Wir können diese Zahlung nicht annehmen. Bitte verwenden Sie eine andere Zahlungsart.",
    generic_decline:
      "Ihre Karte wurde abgelehnt. Versuchen Sie es mit einer anderen Karte oder wenden Sie sich an Ihre Bank.",
  },
  es: {
    insufficient_funds: "Tu tarjeta no tiene fondos suficientes. Prueba con otra tarjeta.",
    card_expired: "Tu tarjeta ha caducado. Prueba con otra tarjeta.",
    card_number_invalid: "El número de tarjeta no es válido. Revísalo o prueba con otra tarjeta.",
    card_details_invalid:
      "Los datos de la tarjeta no coinciden. Revisa la fecha de caducidad y el código de seguridad.",
    cvv_failed: "El código de seguridad no coincide. Revísalo y vuelve a intentarlo.",
    limit_exceeded:
      "Este pago supera el límite de tu tarjeta. Prueba con un importe menor o con otra tarjeta.",
    not_permitted: "Tu tarjeta no se puede usar para esta compra. Prueba con otra tarjeta.",
    contact_issuer:
      "Tu banco ha rechazado este pago. Ponte en contacto con tu banco o prueba con otra tarjeta.",
    issuer_unavailable: "Tu banco no ha respondido a tiempo. Vuelve a intentarlo.",
    authentication_failed:
      "No hemos podido verificar este pago con tu banco. Vuelve a intentarlo o usa otra tarjeta.",
    authentication_required: "Tu banco necesita verificar este pago. Vuelve a intentarlo.",
    card_unusable: "Esta tarjeta no se puede usar. Usa otra tarjeta.",
    risk_blocked: "No podemos aceptar este pago. Usa otro método de pago.",
    generic_decline:
      "Tu tarjeta ha sido rechazada. Prueba con otra tarjeta o ponte en contacto con tu banco.",
  },
  it: {
    insufficient_funds: "La tua carta non ha fondi sufficienti. Prova con un'altra carta.",
    card_expired: "La tua carta è scaduta. Prova con un'altra carta.",
    card_number_invalid: "Il numero della carta non è valido. Controllalo o prova con un'altra carta.",
    card_details_invalid:
      "I dati della carta non corrispondono. Controlla la data di scadenza e il codice di sicurezza.",
    cvv_failed: "Il codice di sicurezza non corrisponde. Controllalo e riprova.",
    limit_exceeded:
      "Questo pagamento supera il limite della tua carta. Prova con un importo minore o un'altra carta.",
    not_permitted: "La tua carta non può essere usata per questo acquisto. Prova con un'altra carta.",
    contact_issuer: "La tua banca ha rifiutato il pagamento. Contatta la banca o prova con un'altra carta.",
    issuer_unavailable: "La tua banca non ha risposto in tempo. Riprova.",
    authentication_failed:
      "Non è stato possibile verificare il pagamento con la tua banca. Riprova o usa un'altra carta.",
    authentication_required: "La tua banca deve verificare questo pagamento. Riprova.",
    card_unusable: "Questa carta non può essere usata. Usa un'altra carta.",
    risk_blocked: "Non possiamo accettare questo pagamento. Usa un altro metodo di pagamento.",
    generic_decline: "La tua carta è stata rifiutata. Prova con un'altra carta o contatta la tua banca.",
  },
  nl: {
    insufficient_funds: "Er staat niet genoeg saldo op je kaart. Probeer een andere kaart.",
    card_expired: "Je kaart is verlopen. Probeer een andere kaart.",
    card_number_invalid: "Het kaartnummer is niet geldig. Controleer het of probeer een andere kaart.",
    card_details_invalid: "De kaartgegevens kloppen niet. Controleer de vervaldatum en de beveiligingscode.",
    cvv_failed: "De beveiligingscode klopt niet. Controleer hem en probeer het opnieuw.",
    limit_exceeded:
      "Deze betaling is hoger dan de limiet van je kaart. Probeer een lager bedrag of een andere kaart.",
    not_permitted: "Je kaart kan niet voor deze aankoop worden gebruikt. Probeer een andere kaart.",
    contact_issuer:
      "Je bank heeft deze betaling geweigerd. Neem contact op met je bank of probeer een andere kaart.",
    issuer_unavailable: "Je bank reageerde niet op tijd. Probeer het opnieuw.",
    authentication_failed:
      "We konden deze betaling niet bij je bank verifiëren. Probeer het opnieuw of gebruik een andere kaart.",
    authentication_required: "Je bank moet deze betaling verifiëren. Probeer het opnieuw.",
    card_unusable: "Deze kaart kan niet worden gebruikt. Gebruik een andere kaart.",
    risk_blocked: "We kunnen deze betaling niet accepteren. Gebruik een andere betaalmethode.",
    generic_decline: "Je kaart is geweigerd. Probeer een andere kaart of neem contact op met je bank.",
  },
  pt: {
    insufficient_funds: "O seu cartão não tem saldo suficiente. Experimente outro cartão.",
    card_expired: "O seu cartão expirou. Experimente outro cartão.",
    card_number_invalid: "O número do cartão não é válido. Verifique-o ou experimente outro cartão.",
    card_details_invalid:
      "Os dados do cartão não correspondem. Verifique a data de validade e o código de segurança.",
    cvv_failed: "O código de segurança não corresponde. Verifique-o e tente novamente.",
    limit_exceeded:
      "Este pagamento excede o limite do seu cartão. Experimente um valor menor ou outro cartão.",
    not_permitted: "O seu cartão não pode ser usado nesta compra. Experimente outro cartão.",
    contact_issuer: "O seu banco recusou este pagamento. Contacte o banco ou experimente outro cartão.",
    issuer_unavailable: "O seu banco não respondeu a tempo. Tente novamente.",
    authentication_failed:
      "Não foi possível verificar este pagamento com o seu banco. Tente novamente ou use outro cartão.",
    authentication_required: "O seu banco precisa de verificar este pagamento. Tente novamente.",
    card_unusable: "Este cartão não pode ser usado. Use outro cartão.",
    risk_blocked: "Não podemos aceitar este pagamento. Use outro método de pagamento.",
    generic_decline: "O seu cartão foi recusado. Experimente outro cartão ou contacte o seu banco.",
  },
  pl: {
    insufficient_funds: "Na karcie brakuje środków. Spróbuj inną kartą.",
    card_expired: "Karta straciła ważność. Spróbuj inną kartą.",
    card_number_invalid: "Numer karty jest nieprawidłowy. Sprawdź go lub spróbuj inną kartą.",
    card_details_invalid: "Dane karty się nie zgadzają. Sprawdź datę ważności i kod zabezpieczający.",
    cvv_failed: "Kod zabezpieczający się nie zgadza. Sprawdź go i spróbuj ponownie.",
    limit_exceeded: "Ta płatność przekracza limit karty. Spróbuj mniejszej kwoty lub innej karty.",
    not_permitted: "Tej karty nie można użyć do tego zakupu. Spróbuj inną kartą.",
    contact_issuer: "Twój bank odrzucił płatność. Skontaktuj się z bankiem lub spróbuj inną kartą.",
    issuer_unavailable: "Twój bank nie odpowiedział na czas. Spróbuj ponownie.",
    authentication_failed:
      "Nie udało się potwierdzić płatności w Twoim banku. Spróbuj ponownie lub użyj innej karty.",
    authentication_required: "Twój bank musi potwierdzić tę płatność. Spróbuj ponownie.",
    card_unusable: "Tej karty nie można użyć. Użyj innej karty.",
    risk_blocked: "Nie możemy przyjąć tej płatności. Wybierz inną metodę płatności.",
    generic_decline: "Karta została odrzucona. Spróbuj inną kartą lub skontaktuj się z bankiem.",
  },
  sv: {
    insufficient_funds: "Det finns inte tillräckligt med pengar på ditt kort. Försök med ett annat kort.",
    card_expired: "Ditt kort har gått ut. Försök med ett annat kort.",
    card_number_invalid: "Kortnumret är ogiltigt. Kontrollera det eller försök med ett annat kort.",
    card_details_invalid: "Kortuppgifterna stämmer inte. Kontrollera utgångsdatum och säkerhetskod.",
    cvv_failed: "Säkerhetskoden stämmer inte. Kontrollera den och försök igen.",
    limit_exceeded: "Betalningen överstiger kortets gräns. Försök med ett lägre belopp eller ett annat kort.",
    not_permitted: "Ditt kort kan inte användas för det här köpet. Försök med ett annat kort.",
    contact_issuer: "Din bank nekade betalningen. Kontakta banken eller försök med ett annat kort.",
    issuer_unavailable: "Din bank svarade inte i tid. Försök igen.",
    authentication_failed:
      "Vi kunde inte verifiera betalningen med din bank. Försök igen eller använd ett annat kort.",
    authentication_required: "Din bank behöver verifiera betalningen. Försök igen.",
    card_unusable: "Det här kortet kan inte användas. Använd ett annat kort.",
    risk_blocked: "Vi kan inte ta emot den här betalningen. Använd ett annat betalsätt.",
    generic_decline: "Ditt kort nekades. Försök med ett annat kort eller kontakta din bank.",
  },
  da: {
    insufficient_funds: "Der er ikke dækning på dit kort. Prøv et andet kort.",
    card_expired: "Dit kort er udløbet. Prøv et andet kort.",
    card_number_invalid: "Kortnummeret er ugyldigt. Tjek det, eller prøv et andet kort.",
    card_details_invalid: "Kortoplysningerne passer ikke. Tjek udløbsdato og sikkerhedskode.",
    cvv_failed: "Sikkerhedskoden passer ikke. Tjek den, og prøv igen.",
    limit_exceeded: "Betalingen overstiger kortets grænse. Prøv et mindre beløb eller et andet kort.",
    not_permitted: "Dit kort kan ikke bruges til dette køb. Prøv et andet kort.",
    contact_issuer: "Din bank afviste betalingen. Kontakt din bank, eller prøv et andet kort.",
    issuer_unavailable: "Din bank svarede ikke i tide. Prøv igen.",
    authentication_failed:
      "Vi kunne ikke bekræfte betalingen hos din bank. Prøv igen, eller brug et andet kort.",
    authentication_required: "Din bank skal bekræfte betalingen. Prøv igen.",
    card_unusable: "Dette kort kan ikke bruges. Brug et andet kort.",
    risk_blocked: "Vi kan ikke modtage denne betaling. Brug en anden betalingsmetode.",
    generic_decline: "Dit kort blev afvist. Prøv et andet kort, eller kontakt din bank.",
  },
  fi: {
    insufficient_funds: "Kortillasi ei ole riittävästi katetta. Kokeile toista korttia.",
    card_expired: "Korttisi on vanhentunut. Kokeile toista korttia.",
    card_number_invalid: "Kortin numero ei kelpaa. Tarkista se tai kokeile toista korttia.",
    card_details_invalid: "Kortin tiedot eivät täsmää. Tarkista voimassaolo ja turvakoodi.",
    cvv_failed: "Turvakoodi ei täsmää. Tarkista se ja yritä uudelleen.",
    limit_exceeded: "Maksu ylittää korttisi rajan. Kokeile pienempää summaa tai toista korttia.",
    not_permitted: "Korttiasi ei voi käyttää tähän ostokseen. Kokeile toista korttia.",
    contact_issuer: "Pankkisi hylkäsi maksun. Ota yhteyttä pankkiisi tai kokeile toista korttia.",
    issuer_unavailable: "Pankkisi ei vastannut ajoissa. Yritä uudelleen.",
    authentication_failed:
      "Emme voineet vahvistaa maksua pankkisi kanssa. Yritä uudelleen tai käytä toista korttia.",
    authentication_required: "Pankkisi täytyy vahvistaa tämä maksu. Yritä uudelleen.",
    card_unusable: "Tätä korttia ei voi käyttää. Käytä toista korttia.",
    risk_blocked: "Emme voi hyväksyä tätä maksua. Käytä toista maksutapaa.",
    generic_decline: "Korttisi hylättiin. Kokeile toista korttia tai ota yhteyttä pankkiisi.",
  },
  nb: {
    insufficient_funds: "Det er ikke nok dekning på kortet ditt. Prøv et annet kort.",
    card_expired: "Kortet ditt er utløpt. Prøv et annet kort.",
    card_number_invalid: "Kortnummeret er ugyldig. Sjekk det, eller prøv et annet kort.",
    card_details_invalid: "Kortopplysningene stemmer ikke. Sjekk utløpsdato og sikkerhetskode.",
    cvv_failed: "Sikkerhetskoden stemmer ikke. Sjekk den og prøv igjen.",
    limit_exceeded: "Betalingen overstiger grensen på kortet ditt. Prøv et lavere beløp eller et annet kort.",
    not_permitted: "Kortet ditt kan ikke brukes til dette kjøpet. Prøv et annet kort.",
    contact_issuer: "Banken din avviste betalingen. Kontakt banken eller prøv et annet kort.",
    issuer_unavailable: "Banken din svarte ikke i tide. Prøv igjen.",
    authentication_failed:
      "Vi kunne ikke bekrefte betalingen med banken din. Prøv igjen eller bruk et annet kort.",
    authentication_required: "Banken din må bekrefte denne betalingen. Prøv igjen.",
    card_unusable: "Dette kortet kan ikke brukes. Bruk et annet kort.",
    risk_blocked: "Vi kan ikke ta imot denne betalingen. Bruk en annen betalingsmåte.",
    generic_decline: "Kortet ditt ble avvist. Prøv et annet kort eller kontakt banken din.",
  },
  ja: {
    insufficient_funds: "カードの残高が不足しています。別のカードをお試しください。",
    card_expired: "カードの有効期限が切れています。別のカードをお試しください。",
    card_number_invalid: "カード番号が正しくありません。確認するか、別のカードをお試しください。",
    card_details_invalid: "カード情報が一致しません。有効期限とセキュリティコードをご確認ください。",
    cvv_failed: "セキュリティコードが一致しません。確認して、もう一度お試しください。",
    limit_exceeded:
      "このお支払いはカードの利用限度額を超えています。金額を減らすか、別のカードをお試しください。",
    not_permitted: "このカードはこのご購入にはご利用いただけません。別のカードをお試しください。",
    contact_issuer:
      "銀行がこのお支払いを承認しませんでした。銀行にお問い合わせいただくか、別のカードをお試しください。",
    issuer_unavailable: "銀行から時間内に応答がありませんでした。もう一度お試しください。",
    authentication_failed:
      "銀行でこのお支払いを確認できませんでした。もう一度お試しいただくか、別のカードをご利用ください。",
    authentication_required: "銀行によるお支払いの確認が必要です。もう一度お試しください。",
    card_unusable: "このカードはご利用いただけません。別のカードをご利用ください。",
    risk_blocked: "このお支払いはお受けできません。別のお支払い方法をご利用ください。",
    generic_decline:
      "カードが承認されませんでした。別のカードをお試しいただくか、銀行にお問い合わせください。",
  },
  ar: {
    insufficient_funds: "رصيد بطاقتك غير كافٍ. جرّب بطاقة أخرى.",
    card_expired: "انتهت صلاحية بطاقتك. جرّب بطاقة أخرى.",
    card_number_invalid: "رقم البطاقة غير صالح. تحقّق منه أو جرّب بطاقة أخرى.",
    card_details_invalid: "بيانات البطاقة غير متطابقة. تحقّق من تاريخ الانتهاء ورمز الأمان.",
    cvv_failed: "رمز الأمان غير مطابق. تحقّق منه وحاول مرة أخرى.",
    limit_exceeded: "تتجاوز هذه الدفعة حدّ بطاقتك. جرّب مبلغًا أقل أو بطاقة أخرى.",
    not_permitted: "لا يمكن استخدام بطاقتك لهذه العملية. جرّب بطاقة أخرى.",
    contact_issuer: "رفض مصرفك هذه الدفعة. تواصل مع مصرفك أو جرّب بطاقة أخرى.",
    issuer_unavailable: "لم يردّ مصرفك في الوقت المحدد. يُرجى المحاولة مرة أخرى.",
    authentication_failed: "تعذّر علينا التحقق من هذه الدفعة مع مصرفك. حاول مرة أخرى أو استخدم بطاقة أخرى.",
    authentication_required: "يحتاج مصرفك إلى التحقق من هذه الدفعة. يُرجى المحاولة مرة أخرى.",
    card_unusable: "لا يمكن استخدام هذه البطاقة. يُرجى استخدام بطاقة أخرى.",
    risk_blocked: "لا يمكننا قبول هذه الدفعة. يُرجى استخدام وسيلة دفع أخرى.",
    generic_decline: "تم رفض بطاقتك. جرّب بطاقة أخرى أو تواصل مع مصرفك.",
  },
};
