import { disputeFields, type SandboxDispute } from "../disputes/service.js";
import type { SandboxAction, SandboxPayment } from "../payments/model.js";
import { webhookPaymentData } from "../payments/views.js";
import { newId } from "../random-ids.js";

export interface WebhookEnvelope {
  id: string;
  type: string;
  version: string;
  created_on: string;
  data: Record<string, unknown>;
  _links: Record<string, { href: string }>;
}

/** Checkout.com stamps 7 fractional digits; so do we, so parsers meet the real shape. */
function createdOn(nowMs: number): string {
  return new Date(nowMs).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** The envelope every event shares; `subject` is what the event is about (pay_… or dsp_…). */
function envelope(
  type: string,
  subject: string,
  data: Record<string, unknown>,
  base: string,
  nowMs: number,
  links: Record<string, { href: string }> = {},
): WebhookEnvelope {
  const id = newId("evt");
  return {
    id,
    type,
    version: "1.0.29",
    created_on: createdOn(nowMs),
    data,
    _links: {
      self: { href: `${base}/workflows/events/${id}` },
      subject: { href: `${base}/workflows/events/subject/${subject}` },
      ...links,
    },
  };
}

export function paymentEvent(
  type: string,
  payment: SandboxPayment,
  base: string,
  nowMs: number,
  action?: SandboxAction,
): WebhookEnvelope {
  return envelope(type, payment.id, webhookPaymentData(payment, base, action), base, nowMs, {
    payment: { href: `${base}/payments/${payment.id}` },
    payment_actions: { href: `${base}/payments/${payment.id}/actions` },
  });
}

export function disputeEvent(
  type: string,
  payment: SandboxPayment,
  base: string,
  nowMs: number,
): WebhookEnvelope {
  const disputeId = newId("dsp");
  const data = {
    id: disputeId,
    category: "fraudulent",
    status: type.replace(/^dispute_/, ""),
    amount: payment.balances.total_captured || payment.amount,
    currency: payment.currency,
    reason_code: "10.4",
    payment_id: payment.id,
    payment_action_id: payment.actionId,
    ...(payment.reference !== undefined ? { payment_reference: payment.reference } : {}),
    payment_method: payment.card.scheme.toUpperCase(),
    date: new Date(nowMs).toISOString(),
    evidence_required_by: new Date(nowMs + 14 * 86_400_000).toISOString(),
  };
  return envelope(type, disputeId, data, base, nowMs);
}

/** A dispute event about a dispute the sandbox keeps (`/disputes`), as Checkout.com sends it. */
export function disputeEventFor(
  type: string,
  d: SandboxDispute,
  base: string,
  nowMs: number,
): WebhookEnvelope {
  return envelope(type, d.id, { ...disputeFields(d), date: new Date(nowMs).toISOString() }, base, nowMs);
}

/** `report_generated`: a report is ready, with where to fetch it and its files. */
export function reportGeneratedEvent(
  report: { id: string; type: string; tags: string[]; files: Array<{ id: string; filename: string }> },
  account: { clientId: string; entityId: string },
  base: string,
  nowMs: number,
): WebhookEnvelope {
  const self = `${base}/reports/${report.id}`;
  const data = {
    report_id: report.id,
    report_type: report.type,
    files: report.files.map((f) => `reports-${account.entityId}/${f.filename}`),
    api_resources: {
      report: { id: report.id, url: self },
      files: report.files.map((f) => ({ id: f.id, url: `${self}/files/${f.id}` })),
    },
    account: { client_id: account.clientId, entity_id: account.entityId },
    tags: report.tags,
  };
  const event = envelope("report_generated", report.id, data, base, nowMs);
  return { ...event, version: "1.1.0" };
}
