import type { SandboxAction, SandboxPayment } from "./model.js";

/**
 * Wire views of a payment. REST responses use `last4` and `address_line1`; webhooks use
 * `last_4`, `line1`/`town_city`, string `event_links`, and turn metadata numbers into strings.
 */
function restLinks(p: SandboxPayment, base: string) {
  const self = `${base}/payments/${p.id}`;
  const links: Record<string, { href: string }> = {
    self: { href: self },
    actions: { href: `${self}/actions` },
  };
  // Action links mirror what is allowed right now.
  if (p.approved && p.balances.available_to_capture > 0) links.capture = { href: `${self}/captures` };
  if (p.approved && p.balances.available_to_void > 0) links.void = { href: `${self}/voids` };
  if (p.approved && p.balances.available_to_refund > 0) links.refund = { href: `${self}/refunds` };
  return links;
}

function restSource(p: SandboxPayment) {
  const c = p.card;
  return {
    type: "card",
    ...(p.sourceId ? { id: p.sourceId } : {}),
    expiry_month: c.expiryMonth,
    expiry_year: c.expiryYear,
    ...(c.name ? { name: c.name } : {}),
    scheme: c.scheme,
    last4: c.last4,
    bin: c.bin,
    card_type: "Credit",
    card_category: "Consumer",
    issuer_country: "GB",
    ...(c.wallet ? { card_wallet_type: c.wallet } : {}),
    ...(c.billingAddress ? { billing_address: c.billingAddress } : {}),
    ...(p.approved ? { avs_check: "S", cvv_check: "Y" } : {}),
  };
}

function optional(p: SandboxPayment) {
  return {
    ...(p.reference !== undefined ? { reference: p.reference } : {}),
    ...(p.customer ? { customer: p.customer } : {}),
    ...(p.threeDs ? { "3ds": p.threeDs } : {}),
  };
}

/** 201 body of `POST /payments`. */
export function processedResponse(p: SandboxPayment, base: string) {
  return {
    id: p.id,
    action_id: p.actionId,
    amount: p.amount,
    currency: p.currency,
    approved: p.approved,
    status: p.status,
    ...(p.authCode ? { auth_code: p.authCode } : {}),
    response_code: p.responseCode,
    response_summary: p.responseSummary,
    risk: p.risk,
    source: restSource(p),
    balances: p.balances,
    processed_on: p.processedOn,
    ...optional(p),
    metadata: p.metadata,
    _links: restLinks(p, base),
  };
}

/** 202 body of `POST /payments` when 3-D Secure needs the shopper. */
export function pendingResponse(p: SandboxPayment, base: string) {
  return {
    id: p.id,
    status: "Pending",
    ...optional(p),
    _links: {
      self: { href: `${base}/payments/${p.id}` },
      redirect: { href: `${base}/3ds/${p.sessionId}` },
    },
  };
}

/** `GET /payments/{id}`. */
export function paymentDetails(p: SandboxPayment, base: string) {
  return {
    id: p.id,
    requested_on: p.requestedOn,
    amount: p.amount,
    currency: p.currency,
    payment_type: p.paymentType,
    status: p.status,
    approved: p.approved,
    ...(p.responseCode ? { response_code: p.responseCode, response_summary: p.responseSummary } : {}),
    ...(p.description ? { description: p.description } : {}),
    risk: p.risk,
    source: restSource(p),
    balances: p.balances,
    ...optional(p),
    metadata: p.metadata,
    actions: [...p.actions].reverse().map((a) => ({ id: a.id, type: a.type, response_code: a.responseCode })),
    _links: restLinks(p, base),
  };
}

export function actionView(a: SandboxAction) {
  return {
    id: a.id,
    type: a.type,
    processed_on: a.processedOn,
    amount: a.amount,
    approved: a.approved,
    ...(a.authCode ? { auth_code: a.authCode } : {}),
    response_code: a.responseCode,
    response_summary: a.responseSummary,
    ...(a.reference ? { reference: a.reference } : {}),
    ...(a.metadata ? { metadata: a.metadata } : {}),
  };
}

/** `GET /payments/{id}/actions`: newest first. */
export function actionsView(p: SandboxPayment) {
  return [...p.actions].reverse().map(actionView);
}

function webhookMetadata(metadata: SandboxPayment["metadata"]) {
  return Object.fromEntries(
    Object.entries(metadata).map(([k, v]) => [k, typeof v === "number" ? String(v) : v]),
  );
}

function webhookSource(p: SandboxPayment) {
  const c = p.card;
  const a = c.billingAddress;
  return {
    ...(p.sourceId ? { id: p.sourceId } : {}),
    type: "card",
    ...(c.wallet ? { card_wallet_type: c.wallet } : {}),
    ...(a
      ? {
          billing_address: {
            ...(a.address_line1 ? { line1: a.address_line1 } : {}),
            ...(a.address_line2 ? { line2: a.address_line2 } : {}),
            ...(a.city ? { town_city: a.city } : {}),
            ...(a.zip ? { zip: a.zip } : {}),
            ...(a.country ? { country: a.country } : {}),
          },
        }
      : {}),
    expiry_month: c.expiryMonth,
    expiry_year: c.expiryYear,
    scheme: c.scheme.toUpperCase(),
    last_4: c.last4,
    bin: c.bin,
    card_type: "CREDIT",
    card_category: "CONSUMER",
  };
}

/** `data` of a payment_* webhook. `action` is the action the event is about (capture, refund…). */
export function webhookPaymentData(p: SandboxPayment, base: string, action?: SandboxAction) {
  const self = `${base}/payments/${p.id}`;
  const about = action ?? p.actions[0];
  return {
    id: p.id,
    action_id: about?.id ?? p.actionId,
    ...(p.reference !== undefined ? { reference: p.reference } : {}),
    amount: about && about.type !== "Authorization" ? about.amount : p.amount,
    currency: p.currency,
    ...(about?.authCode ? { auth_code: about.authCode } : {}),
    payment_type: p.paymentType,
    processed_on: about?.processedOn ?? p.processedOn,
    response_code: about?.responseCode ?? p.responseCode,
    response_summary: about?.responseSummary ?? p.responseSummary,
    risk: p.risk,
    ...(p.threeDs ? { "3ds": p.threeDs } : {}),
    source: webhookSource(p),
    balances: p.balances,
    metadata: webhookMetadata(p.metadata),
    event_links: {
      payment: self,
      payment_actions: `${self}/actions`,
      ...(p.balances.available_to_capture > 0 ? { capture: `${self}/captures` } : {}),
      ...(p.balances.available_to_void > 0 ? { void: `${self}/voids` } : {}),
      ...(p.balances.available_to_refund > 0 ? { refund: `${self}/refunds` } : {}),
    },
  };
}
