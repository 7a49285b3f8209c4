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

export type WalletType = "applepay" | "googlepay";

/**
 * The card inside a wallet's `token_data`. A real wallet token is encrypted for Checkout.com; the
 * sandbox's test wallet sheet "encrypts" a test card as base64 JSON in the same fields (Apple Pay's
 * `data`; Google Pay's `signedMessage.encryptedMessage`), so only its own tokens decode here.
 */
function walletCard(type: WalletType, tokenData: unknown): Body | undefined {
  if (typeof tokenData !== "object" || tokenData === null) return undefined;
  const t = tokenData as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  let encrypted: string | undefined;
  if (type === "applepay") {
    const header = t.header as Record<string, unknown> | undefined;
    const complete =
      text(t.version) &&
      text(t.signature) &&
      header &&
      text(header.ephemeralPublicKey) &&
      text(header.publicKeyHash) &&
      text(header.transactionId);
    if (!complete) return undefined;
    encrypted = text(t.data);
  } else {
    if (!text(t.signature) || (t.protocolVersion !== "ECv2" && t.protocolVersion !== "ECv1"))
      return undefined;
    try {
      encrypted = text((JSON.parse(String(t.signedMessage)) as Record<string, unknown>).encryptedMessage);
    } catch {
      return undefined;
    }
  }
  if (!encrypted) return undefined;
  try {
    const card = JSON.parse(Buffer.from(encrypted, "base64").toString("utf8")) as Record<string, unknown>;
    const number = text(card.dpan);
    if (!number || !Number.isInteger(card.expiry_month) || !Number.isInteger(card.expiry_year))
      return undefined;
    return { number, expiry_month: card.expiry_month, expiry_year: card.expiry_year };
  } catch {
    return undefined;
  }
}

export function createToken(tokens: Map<string, SandboxToken>, body: Body, nowMs: number): ApiResult {
  if (body.type === undefined) return apiError(422, ["token_type_required"]);
  if (body.type === "applepay" || body.type === "googlepay")
    return createWalletToken(tokens, body.type, body, nowMs);
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
  return issueToken(tokens, card, nowMs, {
    type: "card",
    ...(card.name ? { name: card.name } : {}),
    ...(billing ? { billing_address: billing } : {}),
  });
}

/**
 * `POST /tokens` with `type: "applepay" | "googlepay"` and the wallet's `token_data`: the token a
 * Flow wallet component in `tokenize` mode hands to `onTokenized`. Answered as Checkout.com does:
 * `type`, `token`, `expires_on` and the card's `expiry_month`, `expiry_year`, `scheme`, `last4`,
 * `bin` (the device card, a DPAN), with `token_format` for a cryptogram.
 */
function createWalletToken(
  tokens: Map<string, SandboxToken>,
  type: WalletType,
  body: Body,
  nowMs: number,
): ApiResult {
  const raw = walletCard(type, body.token_data);
  if (!raw) return apiError(422, ["token_data_invalid"]);
  const codes = cardErrors(raw, new Date(nowMs));
  if (codes.length > 0) return apiError(422, codes);
  const number = raw.number as string;
  const card: CardData = {
    number,
    expiryMonth: raw.expiry_month as number,
    expiryYear: raw.expiry_year as number,
    bin: number.slice(0, 6),
    last4: number.slice(-4),
    scheme: schemeOf(number).scheme,
    wallet: type,
  };
  return issueToken(tokens, card, nowMs, { type, token_format: "cryptogram_3ds" });
}

/** Keeps a new token for `card` and answers 201 as Checkout.com does, with `extra` for its kind of token. */
function issueToken(
  tokens: Map<string, SandboxToken>,
  card: CardData,
  nowMs: number,
  extra: { type: string } & Record<string, unknown>,
): ApiResult {
  const token: SandboxToken = {
    token: newId("tok"),
    createdAt: nowMs,
    expiresAt: nowMs + TOKEN_TTL_MS,
    card,
  };
  tokens.set(token.token, token);
  const { type, ...rest } = extra;
  return {
    status: 201,
    body: {
      type,
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
      product_type: behaviourOf(card.number).kind === "decline" ? "Test Decline" : "Test Card",
      ...rest,
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
