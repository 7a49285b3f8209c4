import { disputeIdSchema } from "@handoff/contracts";
import {
  acceptDispute,
  type EvidenceInput,
  type Handoff,
  orderOfDispute,
  submitDisputeEvidence,
} from "@handoff/server";
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { signed } from "../auth/guard.js";
import { randomToken } from "../auth/secrets.js";
import { disputeWords } from "../messages/dispute-words.js";
import { messages } from "../messages/index.js";
import { csrfField, html, layout, money, table, when } from "../views.js";
import { back, pageContext } from "./orders.js";

const TEXTS = [
  ["proof_of_delivery_or_service", "Proof of delivery or service"],
  ["customer_communication", "Communication with the customer"],
  ["additional_evidence", "Anything else"],
] as const;
const FILE_KINDS = [
  "proof_of_delivery_or_service",
  "invoice_or_receipt",
  "customer_communication",
  "additional_evidence",
] as const;
type FileKind = (typeof FILE_KINDS)[number];

/** Two files of Checkout.com's 4 MB each, and the form's texts. */
const EVIDENCE_FORM_MAX_BYTES = 8 * 1_048_576 + 64 * 1024;
/** The same, confirmed: the files come back as base64 (4 bytes for each 3). */
const CONFIRMED_FORM_MAX_BYTES = Math.ceil((EVIDENCE_FORM_MAX_BYTES * 4) / 3) + 64 * 1024;

/** A confirmation page's one-time request token: a post without one did not come through it. */
const confirmed = (body: unknown) =>
  /^[A-Za-z0-9_-]{8,64}$/.test(String((body as { request?: unknown } | undefined)?.request ?? ""));

/**
 * A multipart form (evidence files) read into `req.body`: fields as strings, files under `files`.
 * A form over the limit goes back to its page with a sentence (`tooLarge`).
 */
function multipart(limitBytes: number, tooLarge: (req: Request, res: Response) => void) {
  const raw = express.raw({ type: "multipart/form-data", limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) =>
    raw(req, res, async (error?: unknown) => {
      if (error) return tooLarge(req, res);
      if (!Buffer.isBuffer(req.body)) return next();
      try {
        const form = await new Request("http://ops/form", {
          method: "POST",
          headers: { "content-type": req.get("content-type") ?? "" },
          body: new Uint8Array(req.body),
        }).formData();
        const fields: Record<string, unknown> = { files: [] as File[] };
        form.forEach((value, name) => {
          if (typeof value === "string") fields[name] = value;
          else if (value.size > 0)
            (fields.files as Array<{ field: string; file: File }>).push({ field: name, file: value });
        });
        req.body = fields;
        next();
      } catch {
        res.status(400).json({ error: "INVALID_REQUEST", message: "The form could not be read." });
      }
    });
}

async function evidenceFrom(body: Record<string, unknown>): Promise<EvidenceInput> {
  const text: EvidenceInput["text"] = {};
  for (const [kind] of TEXTS)
    if (typeof body[`${kind}_text`] === "string") text[kind] = String(body[`${kind}_text`]);
  const files: EvidenceInput["files"] = [];
  // The confirmation page carries the files it showed as hidden fields (base64), sent as they were reviewed.
  for (const kind of FILE_KINDS) {
    const data = body[`${kind}_file_data`];
    if (typeof data !== "string" || !data) continue;
    files.push({
      kind,
      filename: String(body[`${kind}_file_name`] ?? "evidence"),
      type: String(body[`${kind}_file_type`] ?? "application/octet-stream"),
      bytes: new Uint8Array(Buffer.from(data, "base64")),
    });
  }
  for (const { field, file } of (body.files ?? []) as Array<{ field: string; file: File }>) {
    const kind = FILE_KINDS.find((k) => field === `${k}_file`);
    if (!kind) continue;
    files.push({
      kind: kind as FileKind,
      filename: file.name,
      type: file.type || "application/octet-stream",
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
  }
  return { text, files };
}

/** Errors whose message is a sentence written for the operator: a file refused, by Handoff or by Checkout.com. */
const FILE_REFUSALS = new Set(["PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]);

/** What the operator reads after submitting evidence. */
function evidenceSentence(reply: { status: number; body?: unknown }): string {
  const words = messages("en");
  if (reply.status === 202) return words.disputeNotice("evidence_sent");
  const { error, message } = reply.body as { error?: string; message?: string };
  const said = String(message ?? "");
  const fileRefusedThere = error === "INVALID_REQUEST" && said.startsWith("Checkout.com refused");
  if (FILE_REFUSALS.has(String(error)) || fileRefusedThere) return disputeWords.evidenceRefused(said);
  return words.disputeNotice("evidence_failed", error, /^Give at least one/.test(said));
}

/** Disputes, most urgent first, and the answer to each: accept, or evidence through Checkout.com's Disputes API. */
export function disputePages(handoff: Handoff, guard: { requireCsrf: express.RequestHandler }): Router {
  const { deps } = handoff;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "4kb" });
  const words = messages("en");
  const reason = (d: { category?: string | undefined; reason_code?: string | undefined }) =>
    words.dispute.reason(d.category, d.reason_code);

  // An id that is not Checkout.com's own shape names no dispute: nothing is sent for it.
  router.param("id", (req, res, next, id: string) => {
    if (disputeIdSchema.safeParse(id).success) return next();
    res
      .status(404)
      .send(
        layout(
          pageContext(req, res),
          "Dispute not found",
          html`<p><a href="${pageContext(req, res).base}/disputes">All disputes</a></p>`,
        ),
      );
  });

  router.get("/disputes", async (req, res) => {
    const ctx = pageContext(req, res);
    const found = await deps.processor.listDisputes({});
    if (found.kind !== "found")
      return void res.send(
        layout(
          ctx,
          "Disputes",
          html`<p class="notice error">Checkout.com could not be asked for disputes just now.</p>`,
        ),
      );
    // Open ones by deadline, soonest first; then the decided ones, latest first.
    const open = found.disputes
      .filter((d) => d.status === "evidence_required")
      .sort((a, b) => String(a.evidence_required_by).localeCompare(String(b.evidence_required_by)));
    const rest = found.disputes.filter((d) => d.status !== "evidence_required");
    const rows = [...open, ...rest].map((d) => [
      html`<a href="${ctx.base}/disputes/${d.id}"><code class="id">${d.id}</code></a>`,
      html`<span class="amount">${money(d.amount, d.currency)}</span>`,
      html`${reason(d)}`,
      html`${words.disputeStatus(d.status)}`,
      d.status === "evidence_required" ? when(d.evidence_required_by, ctx.timeZone) : html`—`,
    ]);
    res.send(
      layout(
        ctx,
        "Disputes",
        table(["Dispute", "Amount", "Reason", "Status", "Answer by"], rows, "No disputes."),
      ),
    );
  });

  router.get("/disputes/:id", async (req: Request<{ id: string }>, res: Response) => {
    const ctx = pageContext(req as unknown as Request, res);
    const found = await deps.processor.getDispute(req.params.id);
    if (found.kind !== "found")
      return void res
        .status(404)
        .send(layout(ctx, "Dispute not found", html`<p><a href="${ctx.base}/disputes">All disputes</a></p>`));
    const d = found.dispute;
    const orderId = await orderOfDispute(deps, d);
    const path = `${ctx.base}/disputes/${d.id}`;
    const open = d.status === "evidence_required";
    const answer = open
      ? html`<h2>Challenge it with evidence</h2>
<form class="stacked" method="post" action="${path}/evidence/review" enctype="multipart/form-data">${csrfField(ctx)}
${TEXTS.map(([kind, label]) => html`<label>${label}<textarea name="${kind}_text" rows="3" maxlength="1000"></textarea></label>`)}
<label>Proof of delivery (PDF, PNG or JPEG, up to 4 MB)<input type="file" name="proof_of_delivery_or_service_file" accept=".pdf,.png,.jpg,.jpeg"></label>
<label>Invoice or receipt (PDF, PNG or JPEG, up to 4 MB)<input type="file" name="invoice_or_receipt_file" accept=".pdf,.png,.jpg,.jpeg"></label>
<p class="muted">Evidence is sent once: Checkout.com accepts no changes after.</p>
<button type="submit">Review the evidence</button></form>
<h2>Or accept it</h2>
<p>The cardholder keeps ${money(d.amount, d.currency)}; the dispute ends.</p><p><a class="button" href="${path}/accept">Accept the dispute…</a></p>`
      : html`<p class="muted">Nothing to answer: ${words.disputeStatus(d.status).toLowerCase()}.</p>`;
    res.send(
      layout(
        ctx,
        `Dispute ${d.id}`,
        html`<p><a href="${ctx.base}/disputes">All disputes</a></p><dl class="facts"><dt>Amount</dt><dd><strong>${money(d.amount, d.currency)}</strong></dd><dt>Reason</dt><dd>${reason(d)}</dd>
<dt>Status</dt><dd>${words.disputeStatus(d.status)}</dd>${open ? html`<dt>Answer by</dt><dd>${when(d.evidence_required_by, ctx.timeZone)}</dd>` : html``}
<dt>Order</dt><dd>${orderId ? html`<a href="${ctx.base}/orders/${orderId}"><code class="id">${orderId}</code></a>` : "—"}</dd><dt>Received</dt><dd>${when(d.received_on, ctx.timeZone)}</dd></dl>
${answer}`,
      ),
    );
  });

  /** An open dispute for a confirmation page, or the page that says why there is nothing to confirm. */
  async function openDispute(req: Request<{ id: string }>, res: Response) {
    const ctx = pageContext(req as unknown as Request, res);
    const found = await deps.processor.getDispute(req.params.id);
    if (found.kind === "found" && found.dispute.status === "evidence_required")
      return { ctx, dispute: found.dispute, path: `${ctx.base}/disputes/${found.dispute.id}` };
    res
      .status(found.kind === "found" ? 409 : 404)
      .send(
        layout(
          ctx,
          found.kind === "found" ? `Dispute ${found.dispute.id}` : "Dispute not found",
          html`${found.kind === "found" ? html`<p class="notice" role="status">Nothing to answer: ${words.disputeStatus(found.dispute.status).toLowerCase()}.</p>` : html``}<p><a href="${ctx.base}/disputes">All disputes</a></p>`,
        ),
      );
    return undefined;
  }

  // Accepting concedes the money: it is confirmed on its own page first, as a refund is.
  router.get("/disputes/:id/accept", async (req: Request<{ id: string }>, res: Response) => {
    const open = await openDispute(req, res);
    if (!open) return;
    const { ctx, dispute: d, path } = open;
    res.send(
      layout(
        ctx,
        "Accept the dispute?",
        html`<p class="notice error" role="alert">${disputeWords.acceptEffect(money(d.amount, d.currency))}</p>
<form class="stacked" method="post" action="${path}/accept">${csrfField(ctx)}<input type="hidden" name="request" value="${randomToken(12)}">
<div class="actions"><button type="submit" class="danger">Yes, accept and give up ${money(d.amount, d.currency)}</button><a href="${path}">No, go back</a></div></form>`,
      ),
    );
  });

  router.post(
    "/disputes/:id/accept",
    form,
    guard.requireCsrf,
    async (req: Request<{ id: string }>, res: Response) => {
      if (!confirmed(req.body))
        return back(
          res,
          `${req.baseUrl}/disputes/${encodeURIComponent(req.params.id)}`,
          false,
          disputeWords.confirmFirst,
        );
      const reply = await acceptDispute(deps, req.params.id, signed(res).operator.name);
      back(
        res,
        `${req.baseUrl}/disputes/${encodeURIComponent(req.params.id)}`,
        reply.status === 202,
        reply.status === 202
          ? words.disputeNotice("accepted")
          : words.disputeNotice("accept_failed", (reply.body as { error?: string }).error),
      );
    },
  );

  const tooLarge = (req: Request, res: Response) =>
    back(
      res,
      `${req.baseUrl}${req.path.replace(/\/evidence(\/review)?$/, "")}`,
      false,
      disputeWords.filesTooLarge,
    );

  // Evidence is taken once: what will be sent is shown, to be confirmed, before anything is.
  router.post(
    "/disputes/:id/evidence/review",
    multipart(EVIDENCE_FORM_MAX_BYTES, tooLarge),
    guard.requireCsrf,
    async (req: Request<{ id: string }>, res: Response) => {
      const evidence = await evidenceFrom(req.body as Record<string, unknown>);
      const texts = TEXTS.filter(([kind]) => evidence.text[kind]?.trim());
      const self = `${req.baseUrl}/disputes/${encodeURIComponent(req.params.id)}`;
      if (texts.length === 0 && evidence.files.length === 0)
        return back(res, self, false, words.disputeNotice("evidence_failed", "INVALID_REQUEST", true));
      const open = await openDispute(req, res);
      if (!open) return;
      const { ctx, path } = open;
      const label = (kind: string) =>
        TEXTS.find(([k]) => k === kind)?.[1] ??
        kind.replace(/_/g, " ").replace(/^\w/, (c) => c.toUpperCase());
      res.send(
        layout(
          ctx,
          "Submit this evidence?",
          html`<p class="notice error" role="alert">${disputeWords.evidenceOnce}</p>
<dl class="facts">${texts.map(([kind, name]) => html`<dt>${name}</dt><dd>${String(evidence.text[kind]).trim().slice(0, 1000)}</dd>`)}
${evidence.files.map((f) => html`<dt>${label(f.kind)}</dt><dd>${f.filename} (${Math.max(1, Math.round(f.bytes.byteLength / 1024))} KB)</dd>`)}</dl>
<form class="stacked" method="post" action="${path}/evidence" enctype="multipart/form-data">${csrfField(ctx)}<input type="hidden" name="request" value="${randomToken(12)}">
${texts.map(([kind]) => html`<input type="hidden" name="${kind}_text" value="${String(evidence.text[kind])}">`)}
${evidence.files.map((f) => html`<input type="hidden" name="${f.kind}_file_name" value="${f.filename}"><input type="hidden" name="${f.kind}_file_type" value="${f.type}"><input type="hidden" name="${f.kind}_file_data" value="${Buffer.from(f.bytes).toString("base64")}">`)}
<div class="actions"><button type="submit">Yes, submit this evidence</button><a href="${path}">No, go back</a></div></form>`,
        ),
      );
    },
  );

  router.post(
    "/disputes/:id/evidence",
    multipart(CONFIRMED_FORM_MAX_BYTES, tooLarge),
    guard.requireCsrf,
    async (req: Request<{ id: string }>, res: Response) => {
      const evidence = await evidenceFrom(req.body as Record<string, unknown>);
      const given = Object.values(evidence.text).some((t) => t?.trim()) || evidence.files.length > 0;
      // Nothing given is said as such; anything else must come through the confirmation page.
      if (given && !confirmed(req.body))
        return back(
          res,
          `${req.baseUrl}/disputes/${encodeURIComponent(req.params.id)}`,
          false,
          disputeWords.confirmFirst,
        );
      const reply = await submitDisputeEvidence(deps, req.params.id, evidence, signed(res).operator.name);
      back(
        res,
        `${req.baseUrl}/disputes/${encodeURIComponent(req.params.id)}`,
        reply.status === 202,
        evidenceSentence(reply),
      );
    },
  );
  return router;
}
