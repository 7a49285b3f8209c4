/**
 * Test cards (reference §7.1). The card number decides the outcome, as in Checkout.com's sandbox.
 * Any future expiry and any 3-digit CVV (4 for Amex) work.
 */
export type CardBehaviour =
  | { kind: "approve" }
  | { kind: "approve_flagged" }
  | { kind: "decline"; code: string; summary: string }
  | { kind: "3ds_challenge" }
  | { kind: "3ds_frictionless" }
  | { kind: "not_3ds_enrolled" };

const decline = (code: string, summary: string): CardBehaviour => ({ kind: "decline", code, summary });

export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  "4242424242424242": { kind: "approve" },
  "4543474002249996": { kind: "approve" },
  "5436031030606378": { kind: "approve" },
  "2223000010479399": { kind: "approve" },
  "5199992312641465": { kind: "approve" },
  "345678901234564": { kind: "3ds_frictionless" },
  "378282246310005": { kind: "approve" },
  "4658584090000001": { kind: "approve" },
  "5000186622346654": { kind: "approve" },
  // Chosen by Handoff (not Checkout.com numbers): an approval flagged by risk, and a risk block.
  "4000000000000101": { kind: "approve_flagged" },
  "4000000000000408": decline("40101", "Risk Blocked"),
  "4734868958733862": decline("200N7", "Decline for CVV2 failure"),
  "4567361325981788": decline("200R3", "Revocation of all authorizations order"),
  "4111111111111129": decline("20001", "Refer to card issuer"),
  "4024007103573027": decline("20012", "Invalid Transaction"),
  "4485381577182090": decline("20014", "Invalid Card Number"),
  "4544249167673670": decline("20051", "Insufficient Funds"),
  "4724117215951699": decline("20054", "Expired Card"),
  "4000141680788456": decline("20054", "Expired Card"),
  "4659465888705671": decline("20057", "Transaction not permitted to cardholder"),
  "4151512736305999": decline("20057", "Transaction not permitted to cardholder"),
  "4897453568485113": decline("20059", "Suspected Fraud"),
  "4000144348235050": decline("20059", "Suspected Fraud"),
  "4556294593757189": decline("20061", "Activity Amount Limit Exceeded"),
  "4818924250131070": decline("20062", "Restricted Card"),
  "4556253752712245": decline("20063", "Security Violation"),
  "4095254802642505": decline("20068", "Response Received Too Late / Timeout"),
  "4532819413487978": decline("20078", "Blocked, first used"),
  "4500622868341387": decline("20154", "3DS Authentication Required"),
  "4024007162185267": decline("30015", "No such issuer"),
  "4941202060999329": decline("30041", "Lost Card - Pick Up"),
  "4539253655711767": decline("30043", "Stolen Card - Pick Up"),
  "4276038578596818": decline("2005C", "Not supported by issuer"),
  "4152812521833588": decline("2009G", "Blocked by cardholder"),
  "4485040371536584": { kind: "3ds_frictionless" },
  "5588686116426417": { kind: "3ds_frictionless" },
  "4010061700000021": { kind: "3ds_challenge" },
  "5385308360135181": { kind: "3ds_challenge" },
  "4532432452900131": { kind: "not_3ds_enrolled" },
};

/** Legacy amount triggers (reference §7.2), only with `--amount-triggers`. */
export function legacyAmountTrigger(amount: number): CardBehaviour | undefined {
  if (amount === 9998) return decline("20068", "Response Received Too Late / Timeout");
  if (amount === 4001) return decline("40101", "Risk Blocked");
  if (amount === 4008) return decline("40108", "Gateway Reject - Post code failed");
  const byLastTwo: Record<number, CardBehaviour> = {
    5: decline("20005", "Declined - Do Not Honour"),
    12: decline("20012", "Invalid Transaction"),
    14: decline("20014", "Invalid Card Number"),
    51: decline("20051", "Insufficient Funds"),
    54: decline("20087", "Bad Track Data"),
    62: decline("20062", "Restricted Card"),
    63: decline("20063", "Security Violation"),
    33: decline("30033", "Expired Card - Pick Up"),
  };
  return amount >= 100 ? byLastTwo[amount % 100] : undefined;
}

export function behaviourOf(number: string): CardBehaviour {
  return TEST_CARDS[number] ?? { kind: "approve" };
}

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export interface CardScheme {
  scheme: string;
  cvvLength: number;
}

export function schemeOf(number: string): CardScheme {
  if (/^3[47]/.test(number)) return { scheme: "Amex", cvvLength: 4 };
  if (/^4/.test(number)) return { scheme: "Visa", cvvLength: 3 };
  if (/^(5[1-5]|2[2-7])/.test(number)) return { scheme: "Mastercard", cvvLength: 3 };
  if (/^(6011|65)/.test(number)) return { scheme: "Discover", cvvLength: 3 };
  if (/^35/.test(number)) return { scheme: "JCB", cvvLength: 3 };
  if (/^3[068]/.test(number)) return { scheme: "Diners Club International", cvvLength: 3 };
  return { scheme: "Unknown", cvvLength: 3 };
}

export const THREE_DS_PASSWORD = "Checkout1!";
