import {
  actionAcceptedResponseSchema,
  paymentDetailsSchema,
  paymentPendingResponseSchema,
  paymentProcessedResponseSchema,
  paymentSessionResponseSchema,
} from "@handoff/contracts";
import { Checkout } from "checkout-sdk-node";
import type { z } from "zod";
import type { CallFailure, Outcome, PaymentOutcome, PaymentProcessor, ProcessorCall } from "./port.js";
import { backoffMs, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry.js";

export interface CheckoutComOptions {
  secretKey: string;
  publicKey: string;
  /** API base URL: the sandbox's URL in local mode, Checkout.com's otherwise. */
  host: string;
  /** Per-request timeout. The SDK only enforces it with its axios client, which we use. */
  timeoutMs?: number;
  retry?: RetryPolicy;
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
export class CheckoutComProcessor implements PaymentProcessor {
  private readonly sdk: InstanceType<typeof Checkout>;
  private readonly retry: RetryPolicy;

  constructor(options: CheckoutComOptions) {
    this.sdk = new Checkout(options.secretKey, {
      pk: options.publicKey,
      host: options.host,
      timeout: options.timeoutMs ?? 10_000,
      httpClient: "axios",
    });
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  /**
   * Runs `send` with retries when it is safe (`retry`: the request is idempotent) and validates
   * the answer with `schema`; an answer that does not match is treated as no answer at all.
   */
  private async call<S extends z.ZodType, K extends string>(
    operation: string,
    retry: boolean,
    schema: S,
    kind: K,
    send: () => Promise<unknown>,
  ): Promise<Outcome<{ kind: K; value: z.infer<S> }>> {
    const calls: ProcessorCall[] = [];
    const tries = retry ? this.retry.attempts : 1;
    let last: CallFailure = { kind: "unavailable", reason: "not attempted" };
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (attempt > 1) await sleep(backoffMs(this.retry, attempt - 1));
      const started = performance.now();
      try {
        const answer = (await send()) as Record<string, unknown>;
        const durationMs = Math.round(performance.now() - started);
        const parsed = schema.safeParse(answer);
        if (!parsed.success) {
          calls.push({ operation, attempt, durationMs, error: "unexpected response shape" });
          last = {
            kind: "unavailable",
            reason: `unexpected response: ${parsed.error.issues[0]?.path.join(".")}`,
          };
          continue;
        }
        calls.push({ operation, attempt, durationMs, status: 200 });
        return { kind, value: parsed.data, calls };
      } catch (thrown) {
        const error = thrown as SdkError;
        const durationMs = Math.round(performance.now() - started);
        const requestId = typeof error.body === "object" ? error.body?.request_id : undefined;
        calls.push({
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
    const r = await this.call("POST /payment-sessions", false, paymentSessionResponseSchema, "created", () =>
      this.sdk.paymentSessions.request(request),
    );
    return r.kind === "created" ? { kind: r.kind, session: r.value, calls: r.calls } : r;
  }

  async requestPayment(
    request: Parameters<PaymentProcessor["requestPayment"]>[0],
    idempotencyKey: string,
  ): Promise<PaymentOutcome> {
    // The SDK returns 201 and 202 bodies alike; 202s are the ones with a redirect and status Pending.
    const either = paymentProcessedResponseSchema.or(paymentPendingResponseSchema);
    const r = await this.call("POST /payments", true, either, "answered", () =>
      this.sdk.payments.request(request, idempotencyKey),
    );
    if (r.kind !== "answered") return r;
    const pending = paymentPendingResponseSchema.safeParse(r.value);
    if (pending.success && !("approved" in r.value))
      return { kind: "pending", payment: pending.data, calls: r.calls };
    return { kind: "processed", payment: paymentProcessedResponseSchema.parse(r.value), calls: r.calls };
  }

  async getPayment(id: string) {
    const r = await this.call(`GET /payments/${id}`, true, paymentDetailsSchema, "found", () =>
      this.sdk.payments.get(id),
    );
    return r.kind === "found" ? { kind: r.kind, payment: r.value, calls: r.calls } : r;
  }

  async findPaymentsByReference(reference: string) {
    const list = paymentDetailsSchema.array();
    const r = await this.call("GET /payments?reference", true, list, "found", async () => {
      const answer = (await this.sdk.payments.getPaymentList({ reference })) as { data?: unknown };
      return answer.data ?? [];
    });
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
    return this.action("captures", paymentId, () => this.sdk.payments.capture(paymentId, request, key));
  }

  refund(paymentId: string, request: Parameters<PaymentProcessor["refund"]>[1], key: string) {
    return this.action("refunds", paymentId, () => this.sdk.payments.refund(paymentId, request, key));
  }

  void(paymentId: string, request: Parameters<PaymentProcessor["void"]>[1], key: string) {
    return this.action("voids", paymentId, () => this.sdk.payments.void(paymentId, request, key));
  }
}
