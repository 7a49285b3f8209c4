import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { type ServedConsole, serveOpsConsole } from "../support/ops-console.js";

/**
 * Answering a dispute from the console: only dispute ids reach the Disputes API, evidence files are
 * checked here first, the money-conceding steps are confirmed, and a chargeback shows on the order.
 */
let h: WebhookHarness;
let served: ServedConsole;
let base: string;
const DORA = { name: "dora", password: "correct horse battery", token: "tok_dora_0123456789abcdef" };
const api = { authorization: `Bearer ${DORA.token}` };

beforeAll(async () => {
  h = await startWebhookHarness();
  served = await serveOpsConsole(h, {
    auth: {
      operators: [
        { name: DORA.name, passwordHash: hashPassword(DORA.password), apiTokenHash: hashToken(DORA.token) },
      ],
    },
  });
  base = `${served.origin}/ops`;
});
afterAll(async () => {
  await served.close();
  await h.close();
});

async function paidOrder(email = "disputes@example.com"): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }], { session: false });
  await h.handoff.session({ cartId, customer: { email } });
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  await h.waitUntilQuiet();
  return (reply.body as { orderId: string }).orderId;
}

function paymentOf(orderId: string) {
  const payment = [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId);
  if (!payment) throw new Error(`no payment for ${orderId}`);
  return payment;
}

async function disputedOrder(email?: string) {
  const orderId = await paidOrder(email);
  const dispute = h.sandbox.disputes.open(paymentOf(orderId), { category: "product_service_not_received" });
  await h.waitUntilQuiet();
  return { orderId, dispute };
}

async function signIn(): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: DORA.name, password: DORA.password }),
  });
  return /handoff_ops_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";
}

/** The page's HTML with the template's escapes undone, as the browser shows it. */
const decoded = (text: string) =>
  text
    .replace(/&#x2F;/g, "/")
    .replace(/&#x3D;/g, "=")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

const visible = (text: string) =>
  decoded(text)
    .replace(/<details[\s\S]*?<\/details>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");

async function page(cookie: string, path: string) {
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  return { status: response.status, text: decoded(await response.text()) };
}

const csrfOf = (text: string) => /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? "";
const noticeOf = (response: Response) =>
  /handoff_ops_notice=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";

async function post(cookie: string, path: string, fields: Record<string, string>) {
  return fetch(`${base}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, origin: new URL(base).origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

/** Where a form post led, with its banner, as the operator reads it. */
async function noticeAfter(cookie: string, response: Response) {
  const to = response.headers.get("location") ?? "";
  const path = to.replace(/^.*\/ops/, "");
  return visible((await page(`${cookie}; ${noticeOf(response)}`, path)).text);
}

describe("dispute ids", () => {
  it("that are not Checkout.com's dsp_ ids are 404 on every dispute route, and nothing is sent", async () => {
    const orderId = await paidOrder();
    const paymentId = paymentOf(orderId).id;
    const climbing = encodeURIComponent(`../payments/${paymentId}`);
    const cookie = await signIn();
    const shown = await page(cookie, `/disputes/${climbing}`);
    expect(shown.status).toBe(404);
    expect(shown.text).not.toContain(paymentId);
    for (const action of ["accept", "evidence"]) {
      const answer = await fetch(`${base}/api/disputes/${climbing}/${action}`, {
        method: "POST",
        headers: { ...api, "content-type": "application/json" },
        body: JSON.stringify({ additional_evidence: "receipt" }),
      });
      expect(answer.status).toBe(404);
      expect(((await answer.json()) as { error: string }).error).toBe("DISPUTE_NOT_FOUND");
    }
    const accepted = await post(cookie, `/disputes/${climbing}/accept`, { _csrf: csrfOf(shown.text) });
    expect(accepted.status).toBe(404);
    // Nothing reached Checkout.com about that payment, so nothing was recorded on the order.
    const calls = (await h.store.timeline(orderId)).filter((e) => e.kind === "operator_dispute");
    expect(calls).toEqual([]);
  });
});

/** The hidden fields of a confirmation page's form, as the browser would send them back. */
const hiddenFields = (text: string): Array<[string, string]> =>
  [...text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]) => [
    String(name),
    String(value),
  ]);

/** Sends the evidence form with one file, as the browser does: reviewed, then confirmed; reads the banner. */
async function sendEvidence(
  cookie: string,
  disputeId: string,
  file: { name: string; type: string; bytes: Uint8Array<ArrayBuffer> },
) {
  const form = await page(cookie, `/disputes/${disputeId}`);
  const body = new FormData();
  body.set("_csrf", csrfOf(form.text));
  body.set("invoice_or_receipt_file", new Blob([file.bytes], { type: file.type }), file.name);
  const headers = { cookie, origin: new URL(base).origin };
  const review = await fetch(`${base}/disputes/${disputeId}/evidence/review`, {
    method: "POST",
    redirect: "manual",
    headers,
    body,
  });
  expect(review.status).toBe(200);
  const confirmation = new FormData();
  for (const [name, value] of hiddenFields(decoded(await review.text()))) confirmation.set(name, value);
  const sent = await fetch(`${base}/disputes/${disputeId}/evidence`, {
    method: "POST",
    redirect: "manual",
    headers,
    body: confirmation,
  });
  expect(sent.status).toBe(303);
  return noticeAfter(cookie, sent);
}

const pdf = (size: number) => {
  const bytes = new Uint8Array(size).fill(0x20);
  bytes.set(new TextEncoder().encode("%PDF-1.7\n"));
  return bytes;
};

describe("evidence files", () => {
  it("are refused here, before Checkout.com is asked, when over 4 MB or not really a PDF, PNG or JPEG", async () => {
    const { dispute } = await disputedOrder("files@example.com");
    const cookie = await signIn();
    const big = await sendEvidence(cookie, dispute.id, {
      name: "proof.pdf",
      type: "application/pdf",
      bytes: pdf(5 * 1_048_576),
    });
    expect(big).toContain(
      "Could not submit the evidence: proof.pdf is 5.0 MB: Checkout.com takes files up to 4 MB.",
    );
    expect(big).not.toContain("could not be reached");
    const exe = new Uint8Array(2048);
    exe.set(new TextEncoder().encode("MZ\x90\x00"));
    const renamed = await sendEvidence(cookie, dispute.id, {
      name: "invoice.pdf",
      type: "application/pdf",
      bytes: exe,
    });
    expect(renamed).toContain("invoice.pdf is not a PDF, PNG or JPEG file");
    const text = await sendEvidence(cookie, dispute.id, {
      name: "notes.pdf",
      type: "application/pdf",
      bytes: new TextEncoder().encode("we posted it on Monday"),
    });
    expect(text).toContain("notes.pdf is not a PDF, PNG or JPEG file");
    // Nothing reached Checkout.com: no file stored, the dispute still waits for an answer.
    expect(h.sandbox.disputes.files.size).toBe(0);
    expect(h.sandbox.disputes.disputes.get(dispute.id)?.status).toBe("evidence_required");
  });

  it("that Checkout.com refuses (413) read as a refusal, not as Checkout.com out of reach", async () => {
    const { dispute } = await disputedOrder("refused@example.com");
    const cookie = await signIn();
    // The sandbox, as Checkout.com's front door, takes bodies up to 1 MB: this PDF is refused with 413.
    const shown = await sendEvidence(cookie, dispute.id, {
      name: "scan.pdf",
      type: "application/pdf",
      bytes: pdf(2 * 1_048_576),
    });
    expect(shown).toContain("Checkout.com refused scan.pdf as too large (HTTP 413)");
    expect(shown).not.toMatch(/could not be reached|Try again shortly/);
  });
});

function refundByApi(orderId: string, body: unknown) {
  return fetch(`${base}/api/orders/${orderId}/refund`, {
    method: "POST",
    headers: { ...api, "content-type": "application/json" },
    body: JSON.stringify({ reason: "goodwill", ...(body as object) }),
  });
}

describe("a chargeback", () => {
  it("shows on the order and the list, and its money is not offered or refunded again", async () => {
    const { orderId, dispute } = await disputedOrder("chargeback@example.com");
    h.sandbox.disputes.accept(dispute.id);
    await h.waitUntilQuiet();
    const cookie = await signIn();
    const order = await page(cookie, `/orders/${orderId}`);
    const shown = visible(order.text);
    expect(shown).toContain("Status Charged back: £29.00 returned to the cardholder by their bank");
    expect(shown).toContain("Available to refund £0.00");
    expect(order.text).not.toContain(`/orders/${orderId}/refund"`);
    const list = (await page(cookie, "/?q=chargeback@example.com")).text;
    const row = visible(
      /<tr>(?:(?!<\/tr>)[\s\S])*chargeback@example\.com[\s\S]*?<\/tr>/.exec(list)?.[0] ?? "",
    );
    expect(row).toContain("Charged back: £29.00 returned to the cardholder by their bank");
    expect(row).not.toContain("Paid");
    // Refused before Checkout.com is asked, whatever the amount.
    for (const body of [{ full: true }, { amount: 500 }]) {
      const refused = await refundByApi(orderId, body);
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(((await refused.json()) as { message: string }).message).toContain(
        "The cardholder's bank already returned £29.00 to them",
      );
    }
    expect(paymentOf(orderId).balances.total_refunded).toBe(0);
    const form = await page(cookie, `/orders/${orderId}/refund`);
    expect(visible(form.text)).toContain("Nothing is left to refund");
  });

  it("of part of the payment leaves only the rest to refund", async () => {
    const orderId = await paidOrder("partial-chargeback@example.com");
    const dispute = h.sandbox.disputes.open(paymentOf(orderId), { amount: 1000 });
    h.sandbox.disputes.accept(dispute.id);
    await h.waitUntilQuiet();
    const over = await refundByApi(orderId, { amount: 1901 });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { message: string }).message).toContain("at most £19.00");
    const rest = await refundByApi(orderId, { amount: 1900 });
    expect(rest.status).toBe(202);
  });
});

describe("an order's dispute banner", () => {
  it("says what is true now: evidence sent and waiting, then won", async () => {
    const { orderId, dispute } = await disputedOrder("banner@example.com");
    const cookie = await signIn();
    // The scheme decides a minute after the evidence in sandbox time, here 3 s: a proof of delivery wins.
    h.sandbox.timeScale = 20;
    try {
      const answered = await fetch(`${base}/api/disputes/${dispute.id}/evidence`, {
        method: "POST",
        headers: { ...api, "content-type": "application/json" },
        body: JSON.stringify({ proof_of_delivery_or_service: "Signed for on 2 December" }),
      });
      expect(answered.status).toBe(202);
      const waiting = visible((await page(cookie, `/orders/${orderId}`)).text);
      expect(waiting).toContain("Your evidence was sent to Checkout.com; waiting for the bank's decision.");
      expect(waiting).not.toMatch(/Answer by|or the dispute is lost|Answer the dispute/);
      await h.waitUntilQuiet();
    } finally {
      h.sandbox.timeScale = 1;
    }
    const won = visible((await page(cookie, `/orders/${orderId}`)).text);
    expect(won).toContain("The dispute over £29.00 was won: the money stays with you.");
    expect(won).not.toMatch(/Answer the dispute|waiting for the bank's decision/);
  });

  it("of a closed dispute, and the timeline's lines after the first news, ask for no answer", async () => {
    const { orderId, dispute } = await disputedOrder("closed@example.com");
    h.sandbox.disputes.accept(dispute.id);
    await h.waitUntilQuiet();
    const cookie = await signIn();
    const shown = visible((await page(cookie, `/orders/${orderId}`)).text);
    expect(shown).toContain(
      "Charged back: £29.00 returned to the cardholder by their bank (the dispute was accepted).",
    );
    expect(shown).not.toMatch(/Answer the dispute|or the dispute is lost/);
    // The news of the close is on the timeline without a deadline; the first news kept its own.
    expect(shown).toMatch(/The dispute was accepted: the customer keeps the money for £29\.00 \([^)]*\)/);
    expect(shown).not.toMatch(
      /The dispute was accepted: the customer keeps the money for £29\.00 \([^)]*\), answer by/,
    );
    expect(shown).toMatch(/The customer's bank opened a dispute for £29\.00 \([^)]*\), answer by/);
  });
});

describe("conceding or answering a dispute", () => {
  it("accepting goes through a confirmation page that says the money is given up for good", async () => {
    const { dispute } = await disputedOrder("accept@example.com");
    const cookie = await signIn();
    const disputePage = await page(cookie, `/disputes/${dispute.id}`);
    // One click on the dispute page sends nothing: the accept form posted without confirming is refused.
    const unconfirmed = await post(cookie, `/disputes/${dispute.id}/accept`, {
      _csrf: csrfOf(disputePage.text),
    });
    expect(await noticeAfter(cookie, unconfirmed)).toContain(
      "Nothing was sent: answer the dispute from its page",
    );
    expect(h.sandbox.disputes.disputes.get(dispute.id)?.status).toBe("evidence_required");
    expect(disputePage.text).toContain(`href="/ops/disputes/${dispute.id}/accept"`);
    const confirm = await page(cookie, `/disputes/${dispute.id}/accept`);
    expect(visible(confirm.text)).toContain(
      "Checkout.com keeps the £29.00 for the cardholder; this cannot be undone.",
    );
    expect(h.sandbox.disputes.disputes.get(dispute.id)?.status).toBe("evidence_required");
    const fields = Object.fromEntries(hiddenFields(confirm.text));
    expect(fields.request).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    const accepted = await post(cookie, `/disputes/${dispute.id}/accept`, {
      _csrf: csrfOf(confirm.text),
      request: String(fields.request),
    });
    expect(await noticeAfter(cookie, accepted)).toContain("Accepted: the customer keeps the money.");
    expect(h.sandbox.disputes.disputes.get(dispute.id)?.status).toBe("accepted");
  });

  it("evidence is shown for review before it is sent, once", async () => {
    const { dispute } = await disputedOrder("review@example.com");
    const cookie = await signIn();
    const form = await page(cookie, `/disputes/${dispute.id}`);
    const body = new FormData();
    body.set("_csrf", csrfOf(form.text));
    body.set("proof_of_delivery_or_service_text", "Signed for by A. Lee on 2 December");
    body.set(
      "proof_of_delivery_or_service_file",
      new Blob([pdf(3000)], { type: "application/pdf" }),
      "pod.pdf",
    );
    const review = await fetch(`${base}/disputes/${dispute.id}/evidence/review`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: new URL(base).origin },
      body,
    });
    const reviewed = decoded(await review.text());
    const shown = visible(reviewed);
    expect(shown).toContain("Checkout.com takes evidence once");
    expect(shown).toContain("Signed for by A. Lee on 2 December");
    expect(shown).toContain("pod.pdf (3 KB)");
    // Reviewing sent nothing.
    expect(h.sandbox.disputes.disputes.get(dispute.id)?.evidence).toEqual({});
    expect(h.sandbox.disputes.files.size).toBe(0);
    // Confirmed: what was reviewed is what Checkout.com gets.
    const confirmation = new FormData();
    for (const [name, value] of hiddenFields(reviewed)) confirmation.set(name, value);
    const sent = await fetch(`${base}/disputes/${dispute.id}/evidence`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: new URL(base).origin },
      body: confirmation,
    });
    expect(await noticeAfter(cookie, sent)).toContain("Evidence submitted to Checkout.com.");
    const evidence = h.sandbox.disputes.disputes.get(dispute.id)?.evidence ?? {};
    expect(evidence.proof_of_delivery_or_service_text).toBe("Signed for by A. Lee on 2 December");
    expect(h.sandbox.disputes.files.get(String(evidence.proof_of_delivery_or_service_file))?.size).toBe(3000);
  });
});
