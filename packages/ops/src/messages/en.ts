import { classifyResponseCode, type DeclineReason } from "@handoff/contracts";
import { decimalMoney } from "../views.js";
import type { Catalogue } from "./catalogue.js";

type Detail = Record<string, unknown>;

/** Checkout.com calls, by what they were for: `GET /payments/pay_…` is "checked the payment". */
function callPurpose(operation: string): string {
  if (operation === "POST /payment-sessions") return "Handoff asked Checkout.com to prepare the payment form";
  if (operation === "POST /payments") return "Handoff sent the card payment to Checkout.com";
  if (operation === "GET /payments?reference") return "Handoff looked the payment up at Checkout.com";
  if (/^GET \/payments\//.test(operation)) return "Handoff checked the payment with Checkout.com";
  if (/\/captures$/.test(operation)) return "Handoff asked Checkout.com to capture the payment";
  if (/\/refunds$/.test(operation)) return "Handoff asked Checkout.com for a refund";
  if (/\/voids$/.test(operation)) return "Handoff asked Checkout.com to void the authorization";
  if (/^GET \/disputes/.test(operation)) return "Handoff read the dispute at Checkout.com";
  if (/^POST \/disputes\/.*\/accept$/.test(operation)) return "Handoff accepted the dispute at Checkout.com";
  if (/^(POST|PUT) \/disputes\//.test(operation)) return "Handoff sent dispute evidence to Checkout.com";
  if (operation === "POST /files") return "Handoff uploaded an evidence file to Checkout.com";
  if (operation === "POST /connect/token") return "Handoff signed in to Checkout.com";
  return "Handoff called Checkout.com";
}

function callResult(d: Detail): string {
  const status = typeof d.status === "number" ? d.status : undefined;
  if (status !== undefined && status >= 200 && status < 300) return "";
  if (status === 404) return ": Checkout.com does not know it";
  if (status !== undefined && status < 500) return ": Checkout.com refused the request";
  if (status !== undefined) return ": Checkout.com had a problem; Handoff will try again";
  return ": Checkout.com did not answer in time";
}

/** Why a bank declines, as support staff say it (never shown to shoppers: the widget has its own words). */
const DECLINE_WHY: Record<DeclineReason, string> = {
  insufficient_funds: "not enough money on the card",
  card_expired: "the card has expired",
  card_number_invalid: "the card number is not valid",
  card_details_invalid: "the card details do not match (expiry date or security code)",
  cvv_failed: "the security code (CVV) was wrong",
  limit_exceeded: "the payment is over the card's limit",
  not_permitted: "the card may not be used for this purchase",
  contact_issuer: "the bank wants the cardholder to contact it",
  issuer_unavailable: "the bank did not answer in time",
  authentication_failed: "3-D Secure authentication failed",
  authentication_required: "the bank wants 3-D Secure for this payment",
  card_unusable: "the card cannot be used",
  risk_blocked: "blocked by the risk check",
  generic_decline: "no reason given by the bank",
};

/** Codes whose own words say more than their family's reason: a stolen card is not just "cannot be used". */
const DECLINE_CODE_WHY: Record<string, string> = {
  "30041": "the card was reported lost",
  "30043": "the card was reported stolen",
  "20152": "the cardholder did not complete 3-D Secure",
};

/** A decline's reason in words, with Checkout.com's code beside it: "the card was reported stolen (code 30043)". */
export function declineWhy(code: unknown): string | undefined {
  if (typeof code !== "string" || !code) return undefined;
  const why = DECLINE_CODE_WHY[code] ?? DECLINE_WHY[classifyResponseCode(code).reason ?? "generic_decline"];
  return `${why} (code ${code})`;
}

/** 3-D Secure that did not go through, told apart from a bank's decline: by its code, or by where the order was. */
function threeDsEnding(d: Detail): string | undefined {
  const code = typeof d.responseCode === "string" ? d.responseCode : undefined;
  const tail = code ? ` (code ${code})` : "";
  if (code === "20152" || (!code && d.signal === "abandoned"))
    return `The cardholder did not complete 3-D Secure${tail}: nothing was charged`;
  if (code && classifyResponseCode(code).reason === "authentication_failed")
    return `3-D Secure authentication failed${tail}: nothing was charged`;
  if (!code && d.from === "requires_action")
    return d.source === "3ds_return"
      ? "3-D Secure authentication failed: nothing was charged"
      : "The cardholder did not complete 3-D Secure: nothing was charged";
  return undefined;
}

/** A decline as support staff need it: 3-D Secure apart, else the bank's reason in words and its code. */
function declined(d: Detail): string {
  const threeDs = threeDsEnding(d);
  if (threeDs) return threeDs;
  const why = declineWhy(d.responseCode);
  return why ? `The bank declined the payment: ${why}` : "The bank declined the payment";
}

/** A status an order reached, as a person says it, with who told Handoff. */
function reached(d: Detail): string {
  const to = String(d.to ?? "");
  const source = d.source;
  if (to === "declined") return declined(d);
  // A release takes the payment's status as it is: "captured" then means captured earlier, not by the release.
  if (d.action === "release")
    return `${typeof d.operator === "string" ? d.operator : "An operator"} released the order from review${to === "captured" ? " (the money had already been captured)" : ""}`;
  const by =
    source === "webhook"
      ? "Checkout.com confirmed"
      : source === "reconciliation"
        ? "Handoff's check with Checkout.com found"
        : source === "operator"
          ? "After an operator's action,"
          : "";
  const what: Record<string, [string, string]> = {
    requires_action: [
      "The bank asked the shopper to confirm the payment (3-D Secure)",
      "the bank asked for 3-D Secure",
    ],
    authorized: ["Payment approved by the bank", "the payment was approved"],
    needs_review: [
      "Payment approved, held for a review by your team (risk check)",
      "the payment is held for review",
    ],
    captured: ["Payment captured: the money is being collected", "the capture"],
    partially_refunded: ["Part of the payment was refunded", "a partial refund"],
    refunded: ["The payment was refunded in full", "the full refund"],
    declined: ["The bank declined the payment", "the bank declined the payment"],
    voided: ["The authorization was voided: nothing was charged", "the void"],
    canceled: ["The payment was canceled", "the cancelation"],
    expired: ["The authorization expired before it was captured", "the authorization expired"],
  };
  const [plain, confirmed] = what[to] ?? [`Status is now ${to.replace(/_/g, " ")}`, to.replace(/_/g, " ")];
  if (source === "webhook" || source === "reconciliation") return `${by} ${confirmed}`;
  if (source === "operator") return `${by} ${plain[0]?.toLowerCase()}${plain.slice(1)}`;
  return plain;
}

const SIGNAL_NEWS: Record<string, string> = {
  requires_action: "3-D Secure was asked for",
  authorized: "the payment was approved",
  flagged: "the payment was flagged by risk",
  declined: "the payment was declined",
  captured: "the payment was captured",
  partially_refunded: "part was refunded",
  refunded: "the payment was refunded",
  voided: "the authorization was voided",
  canceled: "the payment was canceled",
  expired: "the authorization expired",
  released: "the review was released",
  abandoned: "the shopper left 3-D Secure",
};

const DISPUTE_NEWS: Record<string, string> = {
  dispute_received: "The customer's bank opened a dispute",
  dispute_evidence_required: "The dispute needs your evidence",
  dispute_evidence_submitted: "Evidence for the dispute was submitted",
  dispute_evidence_acknowledged_by_scheme: "The card scheme received the dispute evidence",
  dispute_accepted: "The dispute was accepted: the customer keeps the money",
  dispute_canceled: "The customer's bank withdrew the dispute",
  dispute_expired: "The time to answer the dispute ran out",
  dispute_lost: "The dispute was lost: the customer keeps the money",
  dispute_won: "The dispute was won: the money stays with you",
  dispute_resolved: "The dispute was resolved",
  dispute_arbitration_sent_to_scheme: "The dispute went to arbitration",
  dispute_arbitration_evidence_submitted: "Evidence for the arbitration was submitted",
  dispute_arbitration_won: "The arbitration was won",
  dispute_arbitration_lost: "The arbitration was lost",
};

const REASONS: Record<string, string> = {
  fraudulent: "the cardholder says they did not make the payment",
  unrecognized: "the cardholder does not recognize the payment",
  product_service_not_received: "the customer says the goods never arrived",
  product_service_not_as_described: "the customer says the goods were not as described",
  duplicate: "the customer says they were charged twice",
  credit_not_processed: "the customer says a promised refund never came",
  canceled_recurring: "the customer says they canceled a subscription",
  incorrect_amount: "the customer says the amount is wrong",
  general: "no reason given by the bank",
};

const REFUSALS: Record<string, string> = {
  refund_amount_exceeds_balance: "The amount is more than what is left to refund on this payment.",
  capture_value_greater_than_authorized: "The amount is more than the bank authorized.",
  capture_value_greater_than_remaining_authorized: "The amount is more than what is left to capture.",
  void_amount_invalid: "This payment can no longer be voided.",
  refund_authorization_declined: "The card's bank declined the refund.",
  amount_invalid: "The amount is not valid for this payment.",
};

const WEBHOOK_NEWS: Record<string, string> = {
  payment_approved: "the payment was approved",
  payment_declined: "the payment was declined",
  payment_captured: "the capture went through",
  payment_capture_declined: "the capture was declined",
  payment_refunded: "the refund went through",
  payment_refund_declined: "the refund was declined",
  payment_voided: "the void went through",
  payment_canceled: "the payment was canceled",
  payment_expired: "the authorization expired",
  payment_pending: "the payment is waiting",
  payment_authentication_failed: "3-D Secure failed",
};

/** A webhook on the timeline: what Checkout.com reported, with the reason of a decline and what to do about a refused refund. */
function webhookNews(d: Detail, amount: string): string {
  const type = String(d.type ?? "");
  if (type === "payment_refund_declined")
    return `The bank declined the refund${amount ? ` of ${amount}` : ""}: the money was not returned to the customer. Try the refund again, or refund them another way`;
  if (type === "payment_authentication_failed") {
    const code = typeof d.responseCode === "string" ? d.responseCode : undefined;
    return code === "20152"
      ? "Checkout.com reported that the cardholder did not complete 3-D Secure (code 20152)"
      : `Checkout.com reported that 3-D Secure authentication failed${code ? ` (code ${code})` : ""}`;
  }
  const news = WEBHOOK_NEWS[type];
  if (!news) return "Checkout.com sent an update";
  const why = type === "payment_declined" ? declineWhy(d.responseCode) : undefined;
  return `Checkout.com reported that ${news}${why ? `: ${why}` : ""}`;
}

const PAYMENT_STATUS: Record<string, string> = {
  Pending: "Waiting for the bank",
  Authorized: "Approved, not captured yet",
  "Card Verified": "Card checked, nothing charged",
  Captured: "Captured",
  "Partially Captured": "Partly captured",
  "Partially Refunded": "Captured, partly refunded",
  Refunded: "Refunded in full",
  Voided: "Voided: nothing charged",
  Declined: "Declined",
  Canceled: "Canceled",
  Expired: "Expired before capture",
  Paid: "Paid",
  "Retry Scheduled": "The bank is retrying",
};

/** Webhook types as a few words; the sentence forms above are for the timeline. */
const WEBHOOK_TYPE: Record<string, string> = {
  payment_approved: "Payment approved",
  payment_declined: "Payment declined",
  payment_pending: "Payment waiting (3-D Secure)",
  payment_captured: "Capture went through",
  payment_capture_declined: "Capture declined",
  payment_capture_pending: "Capture waiting",
  payment_refunded: "Refund went through",
  payment_refund_declined: "Refund declined",
  payment_refund_pending: "Refund waiting",
  payment_voided: "Void went through",
  payment_void_declined: "Void declined",
  payment_canceled: "Payment canceled",
  payment_expired: "Authorization expired",
  payment_authentication_failed: "3-D Secure failed",
  report_generated: "Settlement report ready",
};

const INBOX_STATUS: Record<string, string> = {
  received: "Waiting to be processed",
  retrying: "Failed, trying again",
  parked: "Waiting for its order",
  unmatched: "No order matches it",
  processed: "Done",
  ignored: "Kept, not acted on",
  invalid: "Could not be read",
  failed: "Failed",
};

const DISPUTE_STATUS: Record<string, string> = {
  evidence_required: "Waiting for your answer",
  evidence_under_review: "Your evidence is being reviewed",
  won: "Won: the money stays with you",
  lost: "Lost: the customer keeps the money",
  accepted: "Accepted: the customer keeps the money",
  canceled: "Withdrawn by the customer's bank",
  expired: "Not answered in time: the customer keeps the money",
  resolved: "Resolved",
  arbitration_under_review: "In arbitration",
  arbitration_won: "Arbitration won",
  arbitration_lost: "Arbitration lost",
};

const OUTBOX_EVENT: Record<string, string> = {
  "order.paid": "Order paid",
  "order.review_required": "Order held for review",
  "order.released": "Order released from review",
  "order.declined": "Payment declined",
  "order.captured": "Payment captured",
  "order.refunded": "Refund",
  "order.voided": "Authorization voided",
  "order.expired": "Authorization expired",
  "order.settled": "Order settled",
  "payout.reconciled": "Payout reconciled",
  dispute: "Dispute",
};

const DELIVERY: Record<string, string> = {
  pending: "Still being tried",
  delivered: "Delivered",
  dead: "Given up (dead letter)",
};

/** A settlement amount as the console writes money ("£51.69"), the exact decimal beside it when it has sub-penny digits. */
const settled = (amount: string, currency: string) => {
  if (!currency) return amount;
  const { shown, exact } = decimalMoney(amount, currency);
  return exact ? `${shown} (exactly ${exact})` : shown;
};

/** `payment_refund_declined` → "Payment refund declined": for a code no table knows yet. */
const humanize = (code: string) => {
  const words = code.replace(/[._]/g, " ").trim();
  return `${words[0]?.toUpperCase() ?? ""}${words.slice(1)}`;
};

export const en: Catalogue = {
  locale: "en-GB",
  status: {
    pending: "Waiting for payment",
    requires_action: "Waiting for the shopper's bank (3-D Secure)",
    authorized: "Payment approved, not captured yet",
    needs_review: "Held for review",
    captured: "Paid",
    partially_refunded: "Partly refunded",
    refunded: "Refunded",
    // Not "by the bank": a failed or abandoned 3-D Secure ends here too; the timeline says which.
    declined: "Declined",
    voided: "Voided: nothing charged",
    canceled: "Canceled",
    expired: "Authorization expired",
    disputed: "Disputed",
    abandoned: "Checkout abandoned",
  },
  timeline(kind, d, currency, f) {
    const amount = typeof d.amount === "number" ? f.money(d.amount, String(d.currency ?? currency)) : "";
    const who = typeof d.operator === "string" ? d.operator : "An operator";
    switch (kind) {
      case "order_created":
        return `Order created for ${amount}`;
      case "order_repriced":
        return `The shopper opened the checkout for ${amount}`;
      case "attempt_started":
        return "The shopper started paying";
      case "stock_reserved":
        return "Stock held for this order";
      case "stock_refused":
        return "Not enough stock: the payment was stopped before the card was charged";
      case "processor_call":
        return `${callPurpose(String(d.operation ?? ""))}${callResult(d)}`;
      case "status_changed":
        return reached(d);
      case "signal_ignored": {
        // News the order did not have, kept out of it while it waits for a person: not "already on record".
        if (d.status === "needs_review" && (d.signal === "captured" || d.signal === "authorized"))
          return `Checkout.com reported that ${SIGNAL_NEWS[d.signal]}; the order stays held for review until your team releases it`;
        const news = SIGNAL_NEWS[String(d.signal ?? d.change ?? "")] ?? "an update";
        return `Already on record: ${news} (news repeated or late, nothing changed)`;
      }
      case "webhook":
        return webhookNews(d, amount);
      case "operator_action": {
        const verb = d.action === "refund" ? "a refund" : d.action === "capture" ? "a capture" : "a void";
        const reason = typeof d.reason === "string" ? ` (“${d.reason}”)` : "";
        const result = d.accepted
          ? "Checkout.com accepted the request (the bank's answer shows here when it comes)"
          : `it was refused: ${d.failure === "rejected" ? "Checkout.com said no" : d.failure === "not_allowed" ? "Checkout.com does not allow it now" : "Checkout.com could not be reached"}`;
        return `${who} asked for ${verb}${amount ? ` of ${amount}` : ""}${reason}; ${result}`;
      }
      case "review_released":
        return `${who} released the order from review`;
      case "dispute": {
        const news = DISPUTE_NEWS[String(d.type ?? "")] ?? "The dispute changed";
        const reason =
          typeof d.reasonCode === "string"
            ? ` (${REASONS[d.reasonCode] ?? `reason code ${d.reasonCode}`})`
            : "";
        // The deadline only while the news asks for an answer: after it, it is no longer true.
        const asksForAnswer = d.type === "dispute_received" || d.type === "dispute_evidence_required";
        const by =
          asksForAnswer && typeof d.evidenceRequiredBy === "string"
            ? `, answer by ${f.date(d.evidenceRequiredBy)}`
            : "";
        return `${news}${amount ? ` for ${amount}` : ""}${reason}${by}`;
      }
      case "operator_dispute":
        return `${who} ${d.action === "accept" ? "accepted the dispute" : "sent evidence for the dispute"}; ${d.accepted ? "Checkout.com took it" : "Checkout.com refused it"}`;
      case "confirm_refused":
        return "The payment was stopped before the card was charged";
      case "stray_payment_reversed":
        return `A payment the bank approved after the shopper left 3-D Secure was ${d.action === "refund" ? "refunded" : "voided"}${d.accepted ? "" : ", but Checkout.com did not accept that yet"}`;
      case "outcome_unknown":
        return "Checkout.com did not answer; Handoff's next check will find out what happened";
      default:
        return `${kind.replace(/_/g, " ")[0]?.toUpperCase()}${kind.replace(/_/g, " ").slice(1)}`;
    }
  },
  refusal: (code) => REFUSALS[code],
  notice(code, f) {
    const action = f?.action ?? "action";
    switch (code) {
      case "action_sent":
        return `The ${action} was sent to Checkout.com; the status changes here when it confirms.`;
      case "action_not_allowed":
        // A captured payment cannot be voided, but the money can still go back: say how.
        return action === "void"
          ? "Checkout.com does not allow a void on this payment now. If it has been captured, a void is too late: use Refund to return the money."
          : `Checkout.com does not allow a ${action} on this payment now.`;
      case "action_refused":
        return `Checkout.com refused the ${action}. The order's timeline has the details.`;
      case "action_failed":
        return `The ${action} could not be sent: Checkout.com could not be reached. Nothing was changed; try again shortly.`;
      case "amount_over_balance":
        return `The amount is more than this payment has left to ${action}. Nothing was sent.`;
      case "amount_invalid":
        return `That amount cannot be used for a ${action}: a positive amount in the order's currency, e.g. 5.00.`;
      case "unknown_action":
        return "That order or action does not exist.";
      case "start_from_order":
        return "Start the action from the order page.";
      case "review_released":
        return "Review released: the order goes to fulfilment.";
      case "review_failed":
        return "The review could not be released: the order is no longer in review, or Checkout.com could not be reached.";
    }
  },
  dispute: {
    banner: ({ amount, reason, deadline }) =>
      `This payment is disputed: the customer's bank is taking back ${amount} (${reason}).${deadline ? ` Answer by ${deadline}, or the dispute is lost.` : ""}`,
    refundWarning:
      "This order has an open dispute. A refund does not end a dispute: the bank can take the disputed amount back as well, so the customer may be paid twice. Answer the dispute (accept it, or send evidence) instead of refunding.",
    reason: (category, code) => {
      const said = category ? (REASONS[category] ?? category.replace(/_/g, " ")) : undefined;
      if (said && code) return `${said}; reason code ${code}`;
      return said ?? (code ? `reason code ${code}` : "no reason given by the bank");
    },
  },
  labels: { technicalRecord: "Technical record" },
  paymentStatus: (status) => PAYMENT_STATUS[status] ?? humanize(status),
  webhook: {
    type: (type) => WEBHOOK_TYPE[type] ?? DISPUTE_NEWS[type] ?? humanize(type),
    status: (status) => INBOX_STATUS[status] ?? humanize(status),
    outcome(status, outcome) {
      const now = /^order now ([a-z_]+)$/.exec(outcome ?? "");
      if (now?.[1]) {
        const to = now[1] as keyof Catalogue["status"];
        return `The order is now: ${en.status[to] ?? humanize(now[1])}`;
      }
      if (outcome?.startsWith("no change (held for review"))
        return "Kept aside: the order stays held for review until your team releases it";
      if (outcome?.startsWith("no change")) return "Nothing changed: the order already had this news";
      if (outcome?.endsWith(" attached")) return "Added to the order's dispute";
      if (outcome?.endsWith("recorded (no status change)")) return "Kept on the order's timeline";
      if (/^report .* queued for settlement$/.test(outcome ?? "")) return "Handoff will read the report";
      if (outcome === "replay requested") return "Asked to process it again";
      switch (status) {
        case "received":
          return "Not processed yet";
        case "retrying":
          return "Processing failed; Handoff tries again shortly";
        case "parked":
          return "No order matches it yet; Handoff tries again";
        case "unmatched":
          return "Handoff gave up: no order matches it";
        case "ignored":
          return "Handoff does not act on this kind of event";
        case "invalid":
          return "The event could not be read";
        case "failed":
          return "Processing failed";
        default:
          return "Processed";
      }
    },
    replayed: (found) => (found ? "The event will be processed again." : "That event does not exist."),
  },
  disputeStatus: (status) => DISPUTE_STATUS[status] ?? humanize(status),
  disputeNotice(kind, error, nothingGiven) {
    switch (kind) {
      case "accepted":
        return "Accepted: the customer keeps the money. Checkout.com confirms with a webhook.";
      case "evidence_sent":
        return "Evidence submitted to Checkout.com. The card scheme decides; this page shows the result when it comes.";
      case "accept_failed":
      case "evidence_failed": {
        const what = kind === "accept_failed" ? "accept the dispute" : "submit the evidence";
        if (nothingGiven) return "Nothing was sent: give at least one piece of evidence, a text or a file.";
        if (error === "DISPUTE_NOT_FOUND")
          return `Could not ${what}: Checkout.com does not know this dispute.`;
        if (error === "ACTION_NOT_ALLOWED")
          return `Could not ${what}: Checkout.com does not take it now (the dispute may already be answered or closed).`;
        if (error === "INVALID_REQUEST")
          return `Could not ${what}: Checkout.com refused a file. Files must be PDF, PNG or JPEG, up to 4 MB.`;
        return `Could not ${what}: Checkout.com could not be reached. Try again shortly.`;
      }
    }
  },
  outbox: {
    event: (type) => OUTBOX_EVENT[type] ?? humanize(type),
    delivery: (status) => DELIVERY[status] ?? humanize(status),
  },
  destination: {
    paused: (id, paused, found) =>
      found
        ? paused
          ? `${id} paused: its events wait until you resume it.`
          : `${id} resumed: waiting events are being sent.`
        : "That destination does not exist.",
    replayOne: (result) =>
      result === "queued"
        ? "The event will be sent again."
        : result === "no_event"
          ? "That event does not exist."
          : "This destination does not take that kind of event, so it was not sent.",
    replayRange: (count) =>
      count === 0
        ? "No event in that time range: nothing to send again."
        : `${count} event${count === 1 ? "" : "s"} will be sent again.`,
    badRange: "Give both a start and an end time for the range.",
    backwardsRange: "The start of the range must be before its end.",
    fromFile: "That name is taken by a destination from the HANDOFF_DESTINATIONS file; choose another name.",
    invalid: (field) =>
      field === "id"
        ? "The name must be lower-case letters, digits, - or _ (up to 64), starting with a letter or digit."
        : field === "url"
          ? "The URL must be a full https:// address (http:// only for local addresses)."
          : field === "events"
            ? "Events must be event names like order.paid, a family like order.*, or *."
            : "The destination could not be saved: check the name, URL and events.",
  },
  rejected: (reason) =>
    ({
      method_not_allowed: "Not a POST request",
      body_too_large: "The body was too large",
      authorization_mismatch: "The Authorization header was missing or wrong",
      missing_signature: "No Cko-Signature header: not signed",
      malformed_signature: "The signature could not be read",
      no_keys: "No webhook signature key is set up, so nothing can be checked",
      signature_mismatch: "Not signed with your webhook signature key",
    })[reason] ?? humanize(reason),
  reconciliation: ({ looked, changed, notCharged, unreachable }) =>
    looked === 0
      ? "The sweep ran: no payment was waiting for Checkout.com's answer."
      : `The sweep looked up ${looked} payment${looked === 1 ? "" : "s"}: ${changed} updated, ${notCharged} never charged${unreachable ? `, ${unreachable} could not be checked (Checkout.com did not answer; the next sweep tries again)` : ""}.`,
  settlement: {
    status: {
      expected: "Expected: not in a payout yet",
      settled: "Settled",
      partially_settled: "Partly settled: some lines still to be paid out",
      mismatch: "Mismatch: does not match what was captured and refunded",
      orphan: "Lines for no order",
      held_for_review: "Settled while the order is held for review",
    },
    problem(p) {
      switch (p.code) {
        case "amount_differs":
          return `Checkout.com paid out ${settled(p.settled, p.currency)} for this order, but Handoff took ${settled(p.expected, p.currency)} (captured, less refunds).`;
        case "capture_not_recorded":
          return `Checkout.com paid out ${settled(p.settled, p.currency)} for a capture Handoff had not recorded when the report was read: it was captured at Checkout.com directly, or its news had not arrived. Check the payment at Checkout.com.`;
        case "settled_in_review":
          return `Settled while the order is held for review: Checkout.com captured ${settled(p.settled, p.currency)} and paid it out, but your team has not released the order yet. Release it to fulfil the order, or refund the shopper.`;
        case "currency_differs":
          return `Checkout.com settled the ${p.breakdownType.toLowerCase()} in ${p.settledIn}, but the shopper was charged in ${p.chargedIn}.`;
        case "several_payout_currencies":
          return "This order's money was paid out in more than one currency, so its amounts cannot be added up.";
        case "other":
          return p.text;
      }
    },
    notable: ({ converted, chargedBack }) =>
      converted && chargedBack
        ? "Paid out in another currency, and charged back"
        : converted
          ? "Paid out in another currency than the shopper paid in"
          : chargedBack
            ? "Charged back by the shopper's bank"
            : "",
  },
};
