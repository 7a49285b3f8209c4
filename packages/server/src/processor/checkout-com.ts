import {
  actionAcceptedResponseSchema,
  type DisputeEvidence,
  disputeDetailsSchema,
  disputeListSchema,
  paymentDetailsSchema,
  paymentPendingResponseSchema,
  paymentProcessedResponseSchema,
  paymentSessionResponseSchema,
} from "@handoff/contracts";
import type { AttributeValue } from "@opentelemetry/api";
import { Checkout } from "checkout-sdk-node";
import { z } from "zod";
import { endProcessorCall, startProcessorCall } from "../telemetry/processor.js";
import { ATTR, withSpan } from "../telemetry/tracer.js";
import type {
  CallFailure,
  Outcome,
  PaymentOutcome,
  PaymentProcessor,
  ProcessorCall,
  ReportDetails,
  SettlementSource,
} from "./port.js";
import { backoffMs, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry.js";
import {
  balancesSchema,
  financialActionsPageSchema,
  nextToken,
  payoutOfTags,
  reportSchema,
  reportsPageSchema,
} from "./settlement-wire.js";

/**
 * A payment request's answer: the SDK returns 201 and 202 bodies alike; 202s are the ones with a
 * redirect and status Pending. Built once: a schema built per call is compiled again for each.
 */
const paymentAnswerSchema = paymentProcessedResponseSchema.or(paymentPendingResponseSchema);

/** What Handoff calls: payments, their details and actions (`gateway`), and Flow's sessions. */
export const OAUTH_SCOPES = ["gateway", "payment-sessions"];

/**
 * What settlement reads (Financial Actions, Reports, Balances). Asked for on a token of its own, so
 * an access key without them still takes payments; settlement then reports "unauthorized".
 */
export const SETTLEMENT_OAUTH_SCOPES = ["financial-actions:view", "reports", "reports:view", "balances:view"];

export interface CheckoutComOptions {
  /** A secret key (`sk_…`), or leave it empty and give `oauth`. */
  secretKey: string;
  /** An OAuth access key instead of a secret key. */
  oauth?: { clientId: string; clientSecret: string; accessUrl: string; scopes?: string[] } | undefined;
  publicKey: string;
  /** API base URL: the sandbox's URL in local mode, Checkout.com's otherwise. */
  host: string;
  /** Per-request timeout. The SDK only enforces it with its axios client, which we use. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** The balances host (`GET /balances/{entity}`): the sandbox's URL in local mode; else the SDK's own. */
  balancesUrl?: string | undefined;
}

interface SdkError {
  http_code?: number;
  body?: { error_codes?: string[]; request_id?: string } | string;
  name?: string;
  message?: string;
}

/** Timeouts, network failures, 429 and 5xx: the same request with the same key may be sent again. */
function isRetryable(error: SdkError): boolean {
  const status = error.http_code;
  return status === undefined || status === 0 || status === 408 || status === 429 || status >= 500;
}

function failureOf(error: SdkError): CallFailure {
  const status = error.http_code ?? 0;
  if (status === 401) return { kind: "unauthorized" };
  if (status === 403) return { kind: "not_allowed" };
  if (status === 404) return { kind: "not_found" };
  if (isRetryable(error))
    return { kind: "unavailable", reason: status ? `HTTP ${status}` : (error.message ?? "network error") };
  const codes = typeof error.body === "object" ? (error.body?.error_codes ?? []) : [];
  return { kind: "rejected", status, codes };
}

/**
 * Checkout.com through the official `checkout-sdk-node`, with every answer validated by our
 * contract schemas (the SDK's types are loose) and every exchange reported for the timeline.
 */
export class CheckoutComProcessor implements PaymentProcessor, SettlementSource {
  private readonly sdk: InstanceType<typeof Checkout>;
  private readonly retry: RetryPolicy;
  private readonly oauth: CheckoutComOptions["oauth"];
  private readonly timeoutMs: number;
  private readonly host: string | undefined;
  private readonly secretKey: string;

  constructor(options: CheckoutComOptions) {
    this.oauth = options.oauth;
    this.host = options.host;
    this.secretKey = options.secretKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.sdk = new Checkout(options.oauth?.clientSecret ?? options.secretKey, {
      pk: options.publicKey,
      host: options.host,
      timeout: this.timeoutMs,
      httpClient: "axios",
      ...(options.oauth
        ? { client: options.oauth.clientId, scope: options.oauth.scopes ?? OAUTH_SCOPES }
        : {}),
    });
    this.retry = options.retry ?? DEFAULT_RETRY;
    // The SDK picks the balances host from the key alone; a sandbox or proxy in front needs its own.
    if (options.balancesUrl)
      (this.sdk as unknown as { config: { balancesUrl: string } }).config.balancesUrl =
        options.balancesUrl.replace(/\/$/, "");
  }

  /**
   * With an OAuth access key the SDK sends its requests with a bearer token. We fetch that token
   * ourselves and hand it to the SDK: its token URL cannot be configured (so no sandbox, no
   * merchant-specific access host) and 5.2.1 adds `expires_in` seconds as milliseconds, which
   * would ask for a new token every few seconds.
   */
  private async ensureAccessToken(calls: ProcessorCall[]): Promise<CallFailure | undefined> {
    const oauth = this.oauth;
    const config = (this.sdk as unknown as { config: { access?: { token: string; expires: Date } } }).config;
    if (!oauth || (config.access && config.access.expires.getTime() - Date.now() > 60_000)) return undefined;
    const span = startProcessorCall("POST /connect/token", 1);
    const report = (call: ProcessorCall) => {
      calls.push(call);
      endProcessorCall(span, call);
    };
    const started = performance.now();
    try {
      const response = await withSpan(span, () =>
        fetch(oauth.accessUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: oauth.clientId,
            client_secret: oauth.clientSecret,
            scope: (oauth.scopes ?? OAUTH_SCOPES).join(" "),
          }),
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
      const durationMs = Math.round(performance.now() - started);
      report({ operation: "POST /connect/token", attempt: 1, durationMs, status: response.status });
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.status === 400 || response.status === 401) return { kind: "unauthorized" };
      if (!response.ok || typeof body.access_token !== "string") {
        return { kind: "unavailable", reason: `access token: HTTP ${response.status}` };
      }
      const seconds = typeof body.expires_in === "number" ? body.expires_in : 3600;
      (config as { access?: unknown }).access = {
        token: body.access_token,
        type: typeof body.token_type === "string" ? body.token_type : "Bearer",
        scope: body.scope,
        expires: new Date(Date.now() + seconds * 1000),
      };
      return undefined;
    } catch {
      const durationMs = Math.round(performance.now() - started);
      report({ operation: "POST /connect/token", attempt: 1, durationMs, error: "network error" });
      return { kind: "unavailable", reason: "access token: network error" };
    }
  }

  /**
   * Runs `send` with retries when it is safe (`retry`: the request is idempotent) and validates
   * the answer with `schema`; an answer that does not match is treated as no answer at all. Each
   * try is a span (`traced`: identifiers for it, such as the order id).
   */
  private async call<S extends z.ZodType, K extends string>(
    operation: string,
    retry: boolean,
    schema: S,
    kind: K,
    send: () => Promise<unknown>,
    traced: Record<string, AttributeValue | undefined> = {},
  ): Promise<Outcome<{ kind: K; value: z.infer<S> }>> {
    const calls: ProcessorCall[] = [];
    const denied = await this.ensureAccessToken(calls);
    if (denied) return { ...denied, calls };
    const tries = retry ? this.retry.attempts : 1;
    let last: CallFailure = { kind: "unavailable", reason: "not attempted" };
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (attempt > 1) await sleep(backoffMs(this.retry, attempt - 1));
      const span = startProcessorCall(operation, attempt, traced);
      const report = (call: ProcessorCall) => {
        calls.push(call);
        endProcessorCall(span, call);
      };
      const started = performance.now();
      try {
        const answer = (await withSpan(span, send)) as Record<string, unknown>;
        const durationMs = Math.round(performance.now() - started);
        const parsed = schema.safeParse(answer);
        if (!parsed.success) {
          report({ operation, attempt, durationMs, error: "unexpected response shape" });
          last = {
            kind: "unavailable",
            reason: `unexpected response: ${parsed.error.issues[0]?.path.join(".")}`,
          };
          continue;
        }
        report({ operation, attempt, durationMs, status: 200 });
        return { kind, value: parsed.data, calls };
      } catch (thrown) {
        const error = thrown as SdkError;
        const durationMs = Math.round(performance.now() - started);
        const requestId = typeof error.body === "object" ? error.body?.request_id : undefined;
        report({
          operation,
          attempt,
          durationMs,
          // The SDK reports its own timeout as HTTP 408; no such answer came over the wire.
          ...(error.name === "ApiTimeout"
            ? { error: "timeout" }
            : error.http_code
              ? { status: error.http_code }
              : { error: "network error" }),
          ...(requestId ? { requestId } : {}),
        });
        last = failureOf(error);
        if (!isRetryable(error)) break;
      }
    }
    return { ...last, calls };
  }

  async createPaymentSession(request: Parameters<PaymentProcessor["createPaymentSession"]>[0]) {
    const r = await this.call(
      "POST /payment-sessions",
      false,
      paymentSessionResponseSchema,
      "created",
      () => this.sdk.paymentSessions.request(request),
      { [ATTR.orderId]: request.reference },
    );
    return r.kind === "created" ? { kind: r.kind, session: r.value, calls: r.calls } : r;
  }

  async requestPayment(
    request: Parameters<PaymentProcessor["requestPayment"]>[0],
    idempotencyKey: string,
  ): Promise<PaymentOutcome> {
    const r = await this.call(
      "POST /payments",
      true,
      paymentAnswerSchema,
      "answered",
      () => this.sdk.payments.request(request, idempotencyKey),
      { [ATTR.orderId]: request.reference },
    );
    if (r.kind !== "answered") return r;
    const pending = paymentPendingResponseSchema.safeParse(r.value);
    if (pending.success && !("approved" in r.value))
      return { kind: "pending", payment: pending.data, calls: r.calls };
    return { kind: "processed", payment: paymentProcessedResponseSchema.parse(r.value), calls: r.calls };
  }

  async getPayment(id: string) {
    const r = await this.call(`GET /payments/${id}`, true, paymentDetailsSchema, "found", () =>
      this.sdk.payments.get(inPath(id)),
    );
    return r.kind === "found" ? { kind: r.kind, payment: r.value, calls: r.calls } : r;
  }

  async findPaymentsByReference(reference: string) {
    const list = paymentDetailsSchema.array();
    const r = await this.call(
      "GET /payments?reference",
      true,
      list,
      "found",
      async () => {
        const answer = (await this.sdk.payments.getPaymentList({ reference })) as { data?: unknown };
        return answer.data ?? [];
      },
      { [ATTR.orderId]: reference },
    );
    return r.kind === "found" ? { kind: r.kind, payments: r.value, calls: r.calls } : r;
  }

  private async action(
    name: "captures" | "refunds" | "voids",
    paymentId: string,
    send: () => Promise<unknown>,
  ) {
    const r = await this.call(
      `POST /payments/${paymentId}/${name}`,
      true,
      actionAcceptedResponseSchema,
      "accepted",
      send,
    );
    return r.kind === "accepted" ? { kind: r.kind, action: r.value, calls: r.calls } : r;
  }

  capture(paymentId: string, request: Parameters<PaymentProcessor["capture"]>[1], key: string) {
    return this.action("captures", paymentId, () =>
      this.sdk.payments.capture(inPath(paymentId), request, key),
    );
  }

  refund(paymentId: string, request: Parameters<PaymentProcessor["refund"]>[1], key: string) {
    return this.action("refunds", paymentId, () => this.sdk.payments.refund(inPath(paymentId), request, key));
  }

  void(paymentId: string, request: Parameters<PaymentProcessor["void"]>[1], key: string) {
    return this.action("voids", paymentId, () => this.sdk.payments.void(inPath(paymentId), request, key));
  }

  async listDisputes(filter: { paymentId?: string }) {
    const r = await this.call("GET /disputes", true, disputeListSchema, "found", () =>
      this.sdk.disputes.get({ limit: 250, ...(filter.paymentId ? { payment_id: filter.paymentId } : {}) }),
    );
    return r.kind === "found" ? { kind: r.kind, disputes: r.value.data, calls: r.calls } : r;
  }

  async getDispute(id: string) {
    const r = await this.call(`GET /disputes/${id}`, true, disputeDetailsSchema, "found", () =>
      this.sdk.disputes.getDetails(inPath(id)),
    );
    return r.kind === "found" ? { kind: r.kind, dispute: r.value, calls: r.calls } : r;
  }

  // These answer 204 with no body: any answer that is not an error is the yes.
  private async disputeAction(operation: string, send: () => Promise<unknown>) {
    const r = await this.call(operation, false, z.unknown(), "accepted", send);
    return r.kind === "accepted" ? { kind: r.kind, calls: r.calls } : r;
  }

  acceptDispute(id: string) {
    return this.disputeAction(`POST /disputes/${id}/accept`, () => this.sdk.disputes.accept(inPath(id)));
  }

  provideDisputeEvidence(id: string, evidence: DisputeEvidence) {
    return this.disputeAction(`PUT /disputes/${id}/evidence`, () =>
      this.sdk.disputes.provideEvidence(inPath(id), evidence),
    );
  }

  submitDisputeEvidence(id: string) {
    return this.disputeAction(`POST /disputes/${id}/evidence`, () => this.sdk.disputes.submit(inPath(id)));
  }

  /**
   * The SDK's uploader wants a path or a URL; an operator's upload is bytes in memory, so this one
   * call is multipart over fetch, with the same credentials.
   */
  async uploadDisputeFile(file: { filename: string; type: string; bytes: Uint8Array }) {
    const calls: ProcessorCall[] = [];
    const denied = await this.ensureAccessToken(calls);
    if (denied) return { ...denied, calls };
    const config = (this.sdk as unknown as { config: { access?: { token: string } } }).config;
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.filename);
    form.append("purpose", "dispute_evidence");
    const span = startProcessorCall("POST /files", 1);
    const report = (call: ProcessorCall) => {
      calls.push(call);
      endProcessorCall(span, call);
    };
    const started = performance.now();
    try {
      const response = await withSpan(span, () =>
        fetch(`${this.host ?? "https://api.checkout.com"}/files`, {
          method: "POST",
          headers: { authorization: `Bearer ${config.access?.token ?? this.secretKey}` },
          body: form,
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
      report({
        operation: "POST /files",
        attempt: 1,
        durationMs: Math.round(performance.now() - started),
        status: response.status,
      });
      const body = (await response.json().catch(() => ({}))) as { id?: unknown; error_codes?: unknown };
      if (response.status === 401) return { kind: "unauthorized" as const, calls };
      // A refusal (too large, not a file it takes): trying again does not change it.
      if (response.status === 422 || response.status === 400 || response.status === 413) {
        const codes = Array.isArray(body.error_codes) ? body.error_codes.map(String) : [];
        return { kind: "rejected" as const, status: response.status, codes, calls };
      }
      if (!response.ok || typeof body.id !== "string")
        return { kind: "unavailable" as const, reason: `POST /files: HTTP ${response.status}`, calls };
      return { kind: "uploaded" as const, fileId: body.id, calls };
    } catch {
      report({
        operation: "POST /files",
        attempt: 1,
        durationMs: Math.round(performance.now() - started),
        error: "network error",
      });
      return { kind: "unavailable" as const, reason: "POST /files: network error", calls };
    }
  }

  async financialActions(query: { paymentId: string; paginationToken?: string | undefined }) {
    const r = await this.call("GET /financial-actions", true, financialActionsPageSchema, "found", () =>
      this.sdk.financial.query({
        payment_id: encodeURIComponent(query.paymentId),
        limit: 100,
        ...(query.paginationToken ? { pagination_token: encodeURIComponent(query.paginationToken) } : {}),
      }),
    );
    if (r.kind !== "found") return r;
    return { kind: r.kind, actions: r.value.data, next: nextToken(r.value._links), calls: r.calls };
  }

  async listReports(query: {
    createdAfter: string;
    createdBefore?: string | undefined;
    limit?: number | undefined;
    paginationToken?: string | undefined;
  }) {
    const r = await this.call("GET /reports", true, reportsPageSchema, "found", () =>
      this.sdk.reports.getAllReports({
        created_after: encodeURIComponent(query.createdAfter),
        ...(query.createdBefore ? { created_before: encodeURIComponent(query.createdBefore) } : {}),
        limit: query.limit ?? 100,
        ...(query.paginationToken ? { pagination_token: encodeURIComponent(query.paginationToken) } : {}),
      }),
    );
    if (r.kind !== "found") return r;
    return {
      kind: r.kind,
      reports: r.value.data.map(reportOf),
      next: nextToken(r.value._links),
      calls: r.calls,
    };
  }

  async getReport(id: string) {
    const r = await this.call(`GET /reports/${id}`, true, reportSchema, "found", () =>
      this.sdk.reports.getReportDetails(inPath(id)),
    );
    return r.kind === "found" ? { kind: r.kind, report: reportOf(r.value), calls: r.calls } : r;
  }

  /**
   * The SDK's `reports.getReportFile` reads the whole file into one Buffer; a report runs to a
   * million lines, so the file is fetched here, with the same credentials, and read as it streams.
   * Checkout.com may redirect to its file storage: fetch follows, and drops the key across origins.
   */
  async openReportFile(reportId: string, fileId: string) {
    const operation = `GET /reports/${reportId}/files/${fileId}`;
    const calls: ProcessorCall[] = [];
    const denied = await this.ensureAccessToken(calls);
    if (denied) return { ...denied, calls };
    const config = (this.sdk as unknown as { config: { access?: { token: string } } }).config;
    let last: CallFailure = { kind: "unavailable", reason: "not attempted" };
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (attempt > 1) await sleep(backoffMs(this.retry, attempt - 1));
      const span = startProcessorCall(operation, attempt);
      const started = performance.now();
      const report = (call: Omit<ProcessorCall, "operation" | "attempt" | "durationMs">) => {
        const full = { operation, attempt, durationMs: Math.round(performance.now() - started), ...call };
        calls.push(full);
        endProcessorCall(span, full);
      };
      try {
        const response = await withSpan(span, () =>
          fetch(
            `${this.host ?? "https://api.checkout.com"}/reports/${encodeURIComponent(reportId)}/files/${encodeURIComponent(fileId)}`,
            {
              headers: {
                authorization: `Bearer ${config.access?.token ?? this.secretKey}`,
                accept: "text/csv",
              },
              signal: AbortSignal.timeout(this.timeoutMs),
            },
          ),
        );
        report({ status: response.status });
        if (response.ok && response.body) {
          const body = response.body as unknown as AsyncIterable<Uint8Array>;
          return { kind: "opened" as const, body, calls };
        }
        await response.body?.cancel();
        last = failureOf({ http_code: response.status });
        if (!isRetryable({ http_code: response.status })) break;
      } catch (error) {
        report({ error: (error as Error).name === "TimeoutError" ? "timeout" : "network error" });
        last = { kind: "unavailable", reason: `${operation}: network error` };
      }
    }
    return { ...last, calls };
  }

  async balances(entityId: string, currency?: string) {
    const r = await this.call(`GET /balances/${entityId}`, true, balancesSchema, "found", () =>
      this.sdk.balances.retrieve(inPath(entityId), currency ? { query: `currency:${currency}` } : undefined),
    );
    if (r.kind !== "found") return r;
    return {
      kind: r.kind,
      balances: r.value.data.map((d) => ({
        ...(d.descriptor ? { descriptor: d.descriptor } : {}),
        holdingCurrency: d.holding_currency,
        ...d.balances,
      })),
      calls: r.calls,
    };
  }
}

/**
 * An id as one URL path segment. The SDK puts ids into paths as they are, so an id like
 * `../payments/pay_…` would reach another resource with the merchant's key.
 */
function inPath(id: string): string {
  return encodeURIComponent(id);
}

function reportOf(r: {
  id: string;
  type?: string | undefined;
  created_on?: string | undefined;
  account?: { entity_id?: string | undefined } | undefined;
  tags?: string[] | undefined;
  files: ReportDetails["files"];
}): ReportDetails {
  return {
    id: r.id,
    type: r.type ?? "",
    ...(r.created_on ? { createdOn: r.created_on } : {}),
    ...(r.account?.entity_id ? { entityId: r.account.entity_id } : {}),
    ...(payoutOfTags(r.tags) ? { payoutId: payoutOfTags(r.tags) } : {}),
    files: r.files.map((f) => ({ id: f.id, filename: f.filename, format: f.format })),
  };
}
