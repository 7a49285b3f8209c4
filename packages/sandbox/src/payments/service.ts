import {
  captureRequestSchema,
  paymentRequestSchema,
  paymentSessionRequestSchema,
  refundRequestSchema,
  voidRequestSchema,
} from "@handoff/contracts";
import { behaviourOf, type CardBehaviour, legacyAmountTrigger } from "../cards.js";
import { newAuthCode, newId, newPaymentSessionId, newPaymentSessionSecret } from "../random-ids.js";
import { type ApiResult, apiError, notAllowed, notFound } from "./api-result.js";
import {
  emptyBalances,
  type Metadata,
  type SandboxAction,
  type SandboxPayment,
  type SandboxToken,
  settleBalances,
  statusFromBalances,
} from "./model.js";
import { createToken, tokenProblem } from "./tokens.js";
import { errorCodesFor, isKnownCurrency } from "./validation.js";
import { actionsView, paymentDetails, pendingResponse, processedResponse } from "./views.js";

export interface PaymentServiceOptions {
  now: () => number;
  baseUrl: () => string;
  /** Sends a payment_* webhook about `payment` (and the action it concerns). */
  emit: (type: string, payment: SandboxPayment, action?: SandboxAction) => void;
  /** Runs `fn` later (auto-capture); the sandbox clears these on close. */
  later: (fn: () => void, ms: number) => void;
  /** Runs `fn` at a distant deadline (3-D Secure expiry) that `idle()` does not wait for. */
  deadline: (fn: () => void, ms: number) => void;
  /** Real-time divisor: 60 makes the 15-minute 3-D Secure limit 15 seconds. */
  timeScale: () => number;
  captureDelayMs: number;
  amountTriggers: boolean;
  requireProcessingChannel: boolean;
  requireBillingCountry: boolean;
}

export type ActionKind = "capture" | "refund" | "void";

/** How long a 3-D Secure challenge stays open before Checkout.com gives up on it (time-scaled). */
export const THREE_DS_TIMEOUT_MS = 15 * 60_000;

export interface PaymentState {
  tokens: SandboxToken[];
  payments: SandboxPayment[];
  paymentSessions: PaymentSession[];
  declineNext: Array<[string, ActionKind[]]>;
}

export interface PaymentSession {
  id: string;
  secret: string;
  amount: number;
  currency: string;
  reference?: string;
  successUrl?: string;
  failureUrl?: string;
  /** What the merchant sent for the risk engine, kept so tests can see it arrived. */
  billingCountry?: string;
  customer?: { email?: string; name?: string };
  createdAt: number;
}

type Body = Record<string, unknown>;

/** The stateful heart of the sandbox: tokens, payments, 3-D Secure, captures, refunds and voids. */
export class PaymentService {
  readonly tokens = new Map<string, SandboxToken>();
  readonly payments = new Map<string, SandboxPayment>();
  readonly paymentSessions = new Map<string, PaymentSession>();
  /**
   * The wallets this sandbox account offers, as a Checkout.com account has them enabled; a payment
   * session lists them (minus its `disabled_payment_methods`), and Flow shows only those.
   */
  readonly wallets = new Set<"applepay" | "googlepay">(["applepay", "googlepay"]);
  private readonly bySession = new Map<string, string>();
  private readonly byReference = new Map<string, string[]>();
  /** Control API: make the next capture/refund/void of a payment decline. */
  private readonly declineNext = new Map<string, Set<ActionKind>>();

  constructor(private readonly options: PaymentServiceOptions) {}

  /** Everything a restart must not forget, as plain JSON. */
  exportState(): PaymentState {
    return {
      tokens: [...this.tokens.values()],
      payments: [...this.payments.values()],
      paymentSessions: [...this.paymentSessions.values()],
      declineNext: [...this.declineNext].map(([id, kinds]) => [id, [...kinds]]),
    };
  }

  /** Takes back what `exportState` gave, and resumes the auto-captures a restart interrupted. */
  importState(state: PaymentState): void {
    this.reset();
    for (const token of state.tokens) this.tokens.set(token.token, token);
    for (const session of state.paymentSessions) this.paymentSessions.set(session.id, session);
    for (const payment of state.payments) {
      this.payments.set(payment.id, payment);
      if (payment.sessionId) this.bySession.set(payment.sessionId, payment.id);
      if (payment.reference !== undefined) {
        const list = this.byReference.get(payment.reference) ?? [];
        list.push(payment.id);
        this.byReference.set(payment.reference, list);
      }
      if (payment.capture && payment.status === "Authorized" && payment.balances.available_to_capture > 0)
        this.options.later(() => this.autoCapture(payment), this.options.captureDelayMs);
    }
    for (const [id, kinds] of state.declineNext) this.declineNext.set(id, new Set(kinds));
  }

  reset(): void {
    this.tokens.clear();
    this.payments.clear();
    this.paymentSessions.clear();
    this.bySession.clear();
    this.byReference.clear();
    this.declineNext.clear();
  }

  private iso(): string {
    return new Date(this.options.now()).toISOString();
  }

  createToken(body: Body): ApiResult {
    return createToken(this.tokens, body, this.options.now());
  }

  find(idOrSession: string): SandboxPayment | undefined {
    const id = idOrSession.startsWith("sid_") ? this.bySession.get(idOrSession) : idOrSession;
    const payment = id ? this.payments.get(id) : undefined;
    // The clock may have been moved past the 3-D Secure limit without the timer firing.
    if (payment?.sessionId && payment.status === "Pending") {
      const age = this.options.now() - Date.parse(payment.requestedOn);
      if (age >= THREE_DS_TIMEOUT_MS / this.options.timeScale()) this.expireChallenge(payment);
    }
    return payment;
  }

  createPayment(body: Body): ApiResult {
    const parsed = paymentRequestSchema.safeParse(body);
    if (!parsed.success) return apiError(422, errorCodesFor(parsed.error, body));
    const request = parsed.data;
    if (!isKnownCurrency(request.currency)) return apiError(422, ["currency_invalid"]);
    if (this.options.requireProcessingChannel && !request.processing_channel_id) {
      return apiError(422, ["processing_channel_id_required"]);
    }
    const token = this.tokens.get(request.source.token);
    const problem = tokenProblem(token, this.options.now());
    if (problem || !token) return apiError(422, [problem ?? "token_invalid"]);
    token.usedAt = this.options.now();

    const amount = request.amount ?? 0;
    const payment: SandboxPayment = {
      id: newId("pay"),
      actionId: newId("act"),
      requestedOn: this.iso(),
      processedOn: this.iso(),
      amount,
      currency: request.currency,
      ...(request.reference !== undefined ? { reference: request.reference } : {}),
      ...(request.description ? { description: request.description } : {}),
      paymentType: request.payment_type ?? "Regular",
      status: "Pending",
      approved: false,
      card: token.card,
      metadata: (request.metadata ?? {}) as Metadata,
      risk: {
        flagged: false,
        score: 0,
        ...(request.risk?.device_session_id ? { device_session_id: request.risk.device_session_id } : {}),
      },
      capture: request.capture_on !== undefined || request.capture !== false,
      ...(request.success_url ? { successUrl: request.success_url } : {}),
      ...(request.failure_url ? { failureUrl: request.failure_url } : {}),
      ...(request.processing_channel_id ? { processingChannelId: request.processing_channel_id } : {}),
      ...(request.customer
        ? { customer: { id: request.customer.id ?? newId("cus"), ...request.customer } }
        : {}),
      ...(request.payment_ip ? { paymentIp: request.payment_ip } : {}),
      ...(request.source.billing_address?.country
        ? { billingCountry: request.source.billing_address.country }
        : {}),
      balances: emptyBalances(),
      actions: [],
    };
    this.payments.set(payment.id, payment);
    if (payment.reference !== undefined) {
      const list = this.byReference.get(payment.reference) ?? [];
      list.push(payment.id);
      this.byReference.set(payment.reference, list);
    }

    const threeDs = request["3ds"];
    const behaviour: CardBehaviour =
      (this.options.amountTriggers ? legacyAmountTrigger(amount) : undefined) ??
      behaviourOf(token.card.number);
    const base = this.options.baseUrl();
    if (threeDs?.enabled) {
      if (behaviour.kind === "3ds_challenge") return this.startChallenge(payment, base);
      if (behaviour.kind === "not_3ds_enrolled") {
        if (!threeDs.attempt_n3d) {
          payment.threeDs = { enrolled: "N", downgraded: false };
          this.decline(payment, "20150", "Card not 3D Secure (3DS) enabled");
          return { status: 201, body: processedResponse(payment, base) };
        }
        payment.threeDs = { enrolled: "N", downgraded: true };
      } else if (behaviour.kind !== "decline") {
        // Every other enrolled test card authenticates frictionlessly, 4242 included.
        payment.threeDs = {
          enrolled: "Y",
          downgraded: false,
          challenged: false,
          authentication_response: "Y",
        };
      }
    }
    if (behaviour.kind === "decline") this.decline(payment, behaviour.code, behaviour.summary);
    else this.approve(payment, behaviour.kind === "approve_flagged");
    return { status: 201, body: processedResponse(payment, base) };
  }

  private startChallenge(payment: SandboxPayment, base: string): ApiResult {
    payment.sessionId = newId("sid");
    payment.threeDs = { enrolled: "Y", downgraded: false };
    this.bySession.set(payment.sessionId, payment.id);
    this.options.emit("payment_pending", payment);
    // Checkout.com gives the cardholder 15 minutes, then declines with 20152 (reference §3.3).
    this.options.deadline(() => this.expireChallenge(payment), THREE_DS_TIMEOUT_MS);
    return { status: 202, body: pendingResponse(payment, base) };
  }

  private authorizationAction(payment: SandboxPayment, approved: boolean, code: string, summary: string) {
    const action: SandboxAction = {
      id: payment.actionId,
      type: payment.amount === 0 ? "Card Verification" : "Authorization",
      processedOn: payment.processedOn,
      amount: payment.amount,
      approved,
      responseCode: code,
      responseSummary: summary,
      ...(approved ? { authCode: payment.authCode ?? newAuthCode() } : {}),
      ...(payment.reference !== undefined ? { reference: payment.reference } : {}),
    };
    payment.actions.push(action);
  }

  private approve(payment: SandboxPayment, flagged: boolean): void {
    payment.approved = true;
    payment.authCode = newAuthCode();
    payment.responseCode = flagged ? "10100" : "10000";
    payment.responseSummary = flagged ? "Approved - Risk flagged" : "Approved";
    payment.risk = {
      ...payment.risk,
      ...(flagged ? { flagged: true, score: 85 } : { flagged: false, score: 0 }),
    };
    payment.sourceId = newId("src");
    payment.processedOn = this.iso();
    payment.balances = settleBalances({ ...emptyBalances(), total_authorized: payment.amount });
    payment.status = statusFromBalances(payment);
    this.authorizationAction(payment, true, payment.responseCode, payment.responseSummary);
    this.options.emit(payment.amount === 0 ? "card_verified" : "payment_approved", payment);
    if (payment.capture && payment.amount > 0) {
      // Auto-capture happens a little after the authorization, as on Checkout.com.
      this.options.later(() => this.autoCapture(payment), this.options.captureDelayMs);
    }
  }

  private decline(payment: SandboxPayment, code: string, summary: string, eventType?: string): void {
    payment.approved = false;
    payment.status = "Declined";
    payment.responseCode = code;
    payment.responseSummary = summary;
    payment.processedOn = this.iso();
    this.authorizationAction(payment, false, code, summary);
    const type = eventType ?? (payment.amount === 0 ? "card_verification_declined" : "payment_declined");
    this.options.emit(type, payment);
  }

  private autoCapture(payment: SandboxPayment): void {
    if (payment.status !== "Authorized" || payment.balances.available_to_capture === 0) return;
    this.applyAction(payment, "capture", payment.balances.available_to_capture, {});
  }

  private expireChallenge(payment: SandboxPayment): void {
    if (payment.status !== "Pending") return;
    payment.threeDs = { enrolled: "Y", downgraded: false, challenged: true };
    this.decline(
      payment,
      "20152",
      "Initial 3DS transaction not completed within 15 minutes",
      "payment_authentication_failed",
    );
  }

  /** The 3-D Secure challenge page's outcome. Returns where to send the shopper. */
  completeChallenge(sessionId: string, authenticated: boolean): string | undefined {
    const payment = this.find(sessionId);
    if (payment?.status !== "Pending") return undefined;
    if (authenticated) {
      payment.threeDs = { enrolled: "Y", downgraded: false, challenged: true, authentication_response: "Y" };
      this.approve(payment, false);
    } else {
      payment.threeDs = { enrolled: "Y", downgraded: false, challenged: true, authentication_response: "N" };
      this.decline(payment, "20151", "Cardholder failed 3DS authentication", "payment_authentication_failed");
    }
    return this.returnUrl(sessionId);
  }

  /**
   * Where the issuer's page sends the shopper back once authentication is over: the merchant's
   * success_url, or failure_url when it failed, with `cko-session-id`; undefined while it is not over.
   */
  returnUrl(sessionId: string): string | undefined {
    const payment = this.find(sessionId);
    if (!payment || payment.status === "Pending") return undefined;
    const target = payment.status === "Declined" ? payment.failureUrl : payment.successUrl;
    if (!target) return undefined;
    const url = new URL(target);
    url.searchParams.set("cko-session-id", sessionId);
    return url.toString();
  }

  getPayment(id: string): ApiResult {
    const payment = this.find(id);
    return payment ? { status: 200, body: paymentDetails(payment, this.options.baseUrl()) } : notFound();
  }

  listPayments(reference: string | null, limit: number, skip: number): ApiResult {
    if (!reference) return apiError(422, ["reference_required"]);
    const ids = this.byReference.get(reference) ?? [];
    const base = this.options.baseUrl();
    const data = ids
      .slice(skip, skip + limit)
      .map((id) => this.payments.get(id))
      .filter((p): p is SandboxPayment => p !== undefined)
      .map((p) => paymentDetails(p, base));
    return { status: 200, body: { limit, skip, total_count: ids.length, data } };
  }

  getActions(id: string): ApiResult {
    const payment = this.find(id);
    return payment ? { status: 200, body: actionsView(payment) } : notFound();
  }

  declineNextAction(paymentId: string, kind: ActionKind): boolean {
    if (!this.payments.has(paymentId)) return false;
    const set = this.declineNext.get(paymentId) ?? new Set();
    set.add(kind);
    this.declineNext.set(paymentId, set);
    return true;
  }

  /** `POST /payments/{id}/captures|refunds|voids`: validated, applied at once, announced by webhook. */
  requestAction(id: string, kind: ActionKind, body: Body): ApiResult {
    const schema =
      kind === "capture" ? captureRequestSchema : kind === "refund" ? refundRequestSchema : voidRequestSchema;
    const parsed = schema.safeParse(body);
    if (!parsed.success) return apiError(422, errorCodesFor(parsed.error, body));
    const payment = this.payments.get(id);
    if (!payment) return notFound();
    const request = parsed.data as {
      amount?: number;
      reference?: string;
      metadata?: Metadata;
      capture_type?: string;
    };
    const b = payment.balances;
    let amount: number;
    if (kind === "capture") {
      if (!payment.approved || b.available_to_capture === 0) return notAllowed("capture_not_allowed");
      amount = request.amount ?? b.available_to_capture;
      if (amount === 0) return apiError(422, ["amount_invalid"]);
      if (amount > b.available_to_capture) {
        return apiError(422, [
          amount > b.total_authorized
            ? "capture_value_greater_than_authorized"
            : "capture_value_greater_than_remaining_authorized",
        ]);
      }
    } else if (kind === "refund") {
      if (!payment.approved || b.available_to_refund === 0) return notAllowed("refund_not_allowed");
      amount = request.amount ?? b.available_to_refund;
      if (amount === 0) return apiError(422, ["amount_invalid"]);
      if (amount > b.available_to_refund) return apiError(422, ["refund_amount_exceeds_balance"]);
    } else {
      if (!payment.approved || b.available_to_void === 0) return notAllowed("void_not_allowed");
      amount = b.available_to_void;
    }
    const action = this.applyAction(payment, kind, amount, request);
    return {
      status: 202,
      body: {
        action_id: action.id,
        ...(request.reference ? { reference: request.reference } : {}),
        _links: { payment: { href: `${this.options.baseUrl()}/payments/${payment.id}` } },
      },
    };
  }

  private applyAction(
    payment: SandboxPayment,
    kind: ActionKind,
    amount: number,
    request: { reference?: string; metadata?: Metadata; capture_type?: string },
  ): SandboxAction {
    const pending = this.declineNext.get(payment.id);
    const declined = pending?.delete(kind) ?? false;
    const type = kind === "capture" ? "Capture" : kind === "refund" ? "Refund" : "Void";
    const action: SandboxAction = {
      id: newId("act"),
      type,
      processedOn: this.iso(),
      amount,
      approved: !declined,
      responseCode: declined ? "20005" : "10000",
      responseSummary: declined ? "Declined - Do Not Honour" : "Approved",
      ...(request.reference ? { reference: request.reference } : {}),
      ...(request.metadata ? { metadata: request.metadata } : {}),
    };
    payment.actions.push(action);
    if (!declined) {
      const b = { ...payment.balances };
      if (kind === "capture") {
        b.total_captured += amount;
        // A Final capture releases whatever it did not take.
        if (request.capture_type === "Final")
          b.total_voided += b.total_authorized - b.total_captured - b.total_voided;
      } else if (kind === "refund") b.total_refunded += amount;
      else b.total_voided += amount;
      payment.balances = settleBalances(b);
      payment.status = statusFromBalances(payment);
    }
    const past = { capture: "captured", refund: "refunded", void: "voided" }[kind];
    this.options.emit(declined ? `payment_${kind}_declined` : `payment_${past}`, payment, action);
    return action;
  }

  /**
   * `POST /payment-sessions/{id}/submit`: Flow paying by itself with the session's amount, as its own
   * Pay button does. The payment carries no metadata: nothing ties it to a merchant's confirm.
   */
  submitPaymentSession(id: string, body: Body): ApiResult {
    const session = this.paymentSessions.get(id);
    if (!session) return notFound();
    const result = this.createPayment({
      source: { type: "token", token: body.session_data },
      amount: session.amount,
      currency: session.currency,
      ...(session.reference ? { reference: session.reference } : {}),
      ...(session.successUrl ? { success_url: session.successUrl } : {}),
      ...(session.failureUrl ? { failure_url: session.failureUrl } : {}),
    });
    const payment = result.body as { id?: string; status?: string; approved?: boolean };
    if (!payment.id) return result;
    const status = result.status === 202 ? "Action Required" : payment.approved ? "Approved" : "Declined";
    return { status: result.status, body: { id: payment.id, status, type: "card" } };
  }

  /** The account's wallets this session may offer: `enabled_payment_methods` narrows, `disabled_…` removes. */
  private sessionWallets(body: Body): string[] {
    const list = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
    const enabled = list(body.enabled_payment_methods);
    const disabled = list(body.disabled_payment_methods) ?? [];
    return [...this.wallets].filter((w) => (!enabled || enabled.includes(w)) && !disabled.includes(w));
  }

  createPaymentSession(body: Body): ApiResult {
    const parsed = paymentSessionRequestSchema.safeParse(body);
    if (!parsed.success) return apiError(422, errorCodesFor(parsed.error, body));
    if (!isKnownCurrency(parsed.data.currency)) return apiError(422, ["currency_invalid"]);
    if (this.options.requireBillingCountry && !parsed.data.billing?.address?.country) {
      return apiError(422, ["billing_address_country_required"]);
    }
    if (this.options.requireProcessingChannel && !parsed.data.processing_channel_id) {
      return apiError(422, ["processing_channel_id_required"]);
    }
    const session: PaymentSession = {
      id: newPaymentSessionId(),
      secret: newPaymentSessionSecret(),
      amount: parsed.data.amount,
      currency: parsed.data.currency,
      ...(parsed.data.reference ? { reference: parsed.data.reference } : {}),
      ...(parsed.data.success_url ? { successUrl: parsed.data.success_url } : {}),
      ...(parsed.data.failure_url ? { failureUrl: parsed.data.failure_url } : {}),
      ...(parsed.data.billing?.address?.country
        ? { billingCountry: parsed.data.billing.address.country }
        : {}),
      ...(parsed.data.customer ? { customer: parsed.data.customer } : {}),
      createdAt: this.options.now(),
    };
    this.paymentSessions.set(session.id, session);
    const self = `${this.options.baseUrl()}/payment-sessions/${session.id}`;
    const summary = {
      id: session.id,
      amount: session.amount,
      locale: parsed.data.locale ?? "en-GB",
      currency: session.currency,
      payment_methods: [
        { type: "card", card_schemes: ["Visa", "Mastercard", "American Express"] },
        ...this.sessionWallets(body).map((type) => ({ type })),
      ],
      risk: { enabled: false },
      _links: { self: { href: self } },
    };
    return {
      status: 201,
      body: {
        id: session.id,
        payment_session_secret: session.secret,
        payment_session_token: `YmFzZTY0:${Buffer.from(JSON.stringify(summary)).toString("base64")}`,
        _links: { self: { href: self } },
      },
    };
  }
}
