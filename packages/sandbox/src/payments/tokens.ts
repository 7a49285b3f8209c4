import { behaviourOf, luhnValid, schemeOf, TEST_CARDS } from "../cards.js";
import { newId } from "../random-ids.js";
import { type ApiResult, apiError } from "./api-result.js";
import type { CardData, SandboxToken } from "./model.js";

export const TOKEN_TTL_MS = 15 * 60 * 1000;

type Body = Record<string, unknown>;

/** Validates raw card data the way `/tokens` does, collecting every problem at once. */
function cardErrors(body: Body, now: Date): string[] {
  const codes: string[] = [];
  const number = typeof body.number === "string" ? body.number.replace(/[\s-]/g, "") : undefined;
  if (body.number === undefined || body.number === "") codes.push("card_number_required");
  else if (!number || !/^\d{12,19}$/.test(number) || !(number in TEST_CARDS || luhnValid(number))) {
    codes.push("card_number_invalid");
  }
  const month = body.expiry_month;
  const year = body.expiry_year;
  if (month === undefined) codes.push("card_expiry_month_required");
  else if (!Number.isInteger(month) || (month as number) < 1 || (month as number) > 12) {
    codes.push("card_expiry_month_invalid");
  }
  if (year === undefined) codes.push("card_expiry_year_required");
  else if (!Number.isInteger(year) || (year as number) < 1000 || (year as number) > 9999) {
    codes.push("card_expiry_year_invalid");
  }
  if (codes.length === 0) {
    const current = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
    if ((year as number) * 12 + (month as number) < current) codes.push("card_expired");
  }
  if (body.cvv !== undefined && number) {
    const cvvLength = schemeOf(number).cvvLength;
    if (typeof body.cvv !== "string" || !new RegExp(`^\\d{${cvvLength}}$`).test(body.cvv))
      codes.push("cvv_invalid");
  }
  if (body.name !== undefined && (typeof body.name !== "string" || body.name.length > 255)) {
    codes.push("card_holder_invalid");
  }
  return codes;
}

export function createToken(tokens: Map<string, SandboxToken>, body: Body, nowMs: number): ApiResult {
  if (body.type === undefined) return apiError(422, ["token_type_required"]);
  if (body.type !== "card") return apiError(422, ["token_type_invalid"]);
  const codes = cardErrors(body, new Date(nowMs));
  if (codes.length > 0) return apiError(422, codes);

  const number = (body.number as string).replace(/[\s-]/g, "");
  const billing =
    typeof body.billing_address === "object" && body.billing_address !== null
      ? body.billing_address
      : undefined;
  const card: CardData = {
    number,
    expiryMonth: body.expiry_month as number,
    expiryYear: body.expiry_year as number,
    ...(typeof body.name === "string" ? { name: body.name } : {}),
    bin: number.slice(0, 6),
    last4: number.slice(-4),
    scheme: schemeOf(number).scheme,
    ...(billing ? { billingAddress: billing as Record<string, string> } : {}),
  };
  const token: SandboxToken = {
    token: newId("tok"),
    createdAt: nowMs,
    expiresAt: nowMs + TOKEN_TTL_MS,
    card,
  };
  tokens.set(token.token, token);
  return {
    status: 201,
    body: {
      type: "card",
      token: token.token,
      expires_on: new Date(token.expiresAt).toISOString(),
      expiry_month: card.expiryMonth,
      expiry_year: card.expiryYear,
      scheme: card.scheme,
      last4: card.last4,
      bin: card.bin,
      card_type: "Credit",
      card_category: "Consumer",
      issuer: "Handoff Sandbox Bank",
      issuer_country: "GB",
      product_id: "A",
      product_type: behaviourOf(number).kind === "decline" ? "Test Decline" : "Test Card",
      ...(card.name ? { name: card.name } : {}),
      ...(billing ? { billing_address: billing } : {}),
    },
  };
}

export type TokenProblem = "token_invalid" | "token_expired" | "token_used";

/** Single use, 15 minutes: the checks a payment makes before it may spend a token. */
export function tokenProblem(token: SandboxToken | undefined, nowMs: number): TokenProblem | undefined {
  if (!token) return "token_invalid";
  if (token.usedAt !== undefined) return "token_used";
  if (nowMs >= token.expiresAt) return "token_expired";
  return undefined;
}
