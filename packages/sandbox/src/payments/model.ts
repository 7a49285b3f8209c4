import type { Balances, PaymentStatus } from "@handoff/contracts";

/** Card data as the sandbox keeps it behind a token. Only the sandbox ever sees the number. */
export interface CardData {
  number: string;
  expiryMonth: number;
  expiryYear: number;
  name?: string;
  bin: string;
  last4: string;
  scheme: string;
  billingAddress?: Record<string, string>;
  /** The wallet the card came from (an Apple Pay or Google Pay token), as `source.card_wallet_type` says. */
  wallet?: "applepay" | "googlepay";
}

export interface SandboxToken {
  token: string;
  createdAt: number;
  expiresAt: number;
  usedAt?: number;
  card: CardData;
}

export type ActionType = "Authorization" | "Card Verification" | "Capture" | "Refund" | "Void";

export interface SandboxAction {
  id: string;
  type: ActionType;
  processedOn: string;
  amount: number;
  approved: boolean;
  responseCode: string;
  responseSummary: string;
  authCode?: string;
  reference?: string;
  metadata?: Record<string, unknown>;
}

export type Metadata = Record<string, string | number | boolean>;

export interface SandboxPayment {
  id: string;
  /** The first action's id, returned as `action_id` by `POST /payments`. */
  actionId: string;
  /** 3-D Secure session id, for `GET /payments/sid_…` after the redirect. */
  sessionId?: string;
  requestedOn: string;
  processedOn: string;
  amount: number;
  currency: string;
  reference?: string;
  description?: string;
  paymentType: string;
  status: PaymentStatus;
  approved: boolean;
  responseCode?: string;
  responseSummary?: string;
  authCode?: string;
  card: CardData;
  sourceId?: string;
  metadata: Metadata;
  risk: { flagged: boolean; score: number; device_session_id?: string };
  paymentIp?: string;
  billingCountry?: string;
  threeDs?: {
    enrolled: "Y" | "N" | "U";
    downgraded: boolean;
    challenged?: boolean;
    authentication_response?: string;
  };
  capture: boolean;
  successUrl?: string;
  failureUrl?: string;
  processingChannelId?: string;
  customer?: Record<string, unknown>;
  balances: Balances;
  /** Oldest first; the API lists them newest first. */
  actions: SandboxAction[];
}

export function emptyBalances(): Balances {
  return {
    total_authorized: 0,
    total_voided: 0,
    available_to_void: 0,
    total_captured: 0,
    available_to_capture: 0,
    total_refunded: 0,
    available_to_refund: 0,
  };
}

/**
 * Recomputes the derived balances from the three totals, so every view (POST response, GET,
 * webhook) tells the same story: nothing can be captured twice, refunded before capture, or
 * voided after capture.
 */
export function settleBalances(b: Balances): Balances {
  const remaining = Math.max(0, b.total_authorized - b.total_captured - b.total_voided);
  return {
    ...b,
    available_to_capture: remaining,
    available_to_void: b.total_captured === 0 ? remaining : 0,
    available_to_refund: Math.max(0, b.total_captured - b.total_refunded),
  };
}

/** The status a person would expect from the balances of an approved payment. */
export function statusFromBalances(p: SandboxPayment): PaymentStatus {
  const b = p.balances;
  if (b.total_captured > 0) {
    if (b.total_refunded >= b.total_captured) return "Refunded";
    if (b.total_refunded > 0) return "Partially Refunded";
    return b.total_captured >= b.total_authorized || b.available_to_capture === 0
      ? "Captured"
      : "Partially Captured";
  }
  if (b.total_voided > 0) return "Voided";
  return p.amount === 0 ? "Card Verified" : "Authorized";
}
