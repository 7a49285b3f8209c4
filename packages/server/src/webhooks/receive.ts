import { eventIdSchema } from "@handoff/contracts";
import type { Logger } from "../deps.js";
import { type ApiReply, errorReply } from "../reply.js";
import type { InboxEvent, RejectedRequest } from "./inbox.js";
import { RejectionSampler } from "./rejection-sampler.js";
import type { SignatureProblem } from "./verify.js";

/**
 * This module imports nothing from Node: the fetch adapter runs it on edge runtimes with a
 * WebCrypto verifier, the node:http and Express adapters with the synchronous node:crypto one.
 */
export type SignatureCheck = (
  body: Uint8Array,
  header: string | undefined,
  keys: readonly string[],
) => SignatureProblem | undefined | Promise<SignatureProblem | undefined>;

/** What an adapter hands the pipeline: the raw bytes, never a parsed body. */
export interface IncomingWebhook {
  method: string;
  header(name: string): string | undefined;
  headerNames: string[];
  /** Undefined when the adapter stopped reading at the size limit. */
  body: Uint8Array | undefined;
  bodySize: number;
}

export interface WebhookInboxPort {
  insert(event: InboxEvent): Promise<"inserted" | "duplicate">;
  reject(record: RejectedRequest): Promise<void>;
}

export interface WebhookReceiverOptions {
  inbox: WebhookInboxPort;
  /** One key, or several during rotation: a body signed with any of them is accepted. */
  signatureKeys: readonly string[];
  /** When set, `Authorization` must equal it exactly. */
  authorizationKey?: string | undefined;
  allowedMethods?: readonly string[];
  maxBodyBytes?: number;
  logger: Logger;
  now?: () => Date;
  /** Called after a new event is durable (wakes the worker). */
  onStored?: (eventId: string) => void;
  signatureCheck: SignatureCheck;
  /** Constant-time `Authorization` comparison. */
  authorizationCheck: (header: string | undefined, expected: string | undefined) => boolean;
  /** A developer's explanation of a failed check, for the log. */
  explain: (problem: SignatureProblem) => string;
  /** How many refused requests are written (and logged); default 60 a minute. */
  rejectionSampler?: RejectionSampler;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
const KEPT_HEADERS = ["content-type", "user-agent", "cko-signature"];
const EVT_ID = eventIdSchema;

export type WebhookReceiver = ((request: IncomingWebhook) => Promise<ApiReply>) & {
  readonly allowedMethods: readonly string[];
  readonly maxBodyBytes: number;
};

/**
 * The receiving half of the webhook gateway: method → size → Authorization → signature on the raw
 * bytes → parse → one durable insert (deduplicated on `evt_`) → 200. Everything a sender gets wrong
 * is a 4xx and is recorded (reason, method, header names, body hash and size; never secret values);
 * a store that cannot write answers 503 so Checkout.com retries.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const allowed = (options.allowedMethods ?? ["POST"]).map((m) => m.toUpperCase());
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = options.now ?? (() => new Date());
  const decoder = new TextDecoder();
  const sampler = options.rejectionSampler ?? new RejectionSampler();
  // Under load many events arrive in the same millisecond: each millisecond is formatted once.
  let stampedMs = Number.NaN;
  let stamp = "";
  function receivedAt(): string {
    const at = now();
    if (at.getTime() !== stampedMs) {
      stampedMs = at.getTime();
      stamp = at.toISOString();
    }
    return stamp;
  }

  async function sha256Hex(bytes: Uint8Array): Promise<string> {
    const digest = await globalThis.crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function refuse(
    request: IncomingWebhook,
    reason: string,
    reply: ApiReply,
    keepBody = false,
    log?: () => void,
  ): Promise<ApiReply> {
    // Sampled, so a flood of refused requests can neither grow the table nor the log without limit.
    const sample = sampler.take(now().getTime());
    if (!sample) return reply;
    log?.();
    const body = request.body ?? new Uint8Array();
    const record: RejectedRequest = {
      at: now().toISOString(),
      method: request.method,
      reason,
      headerNames: request.headerNames.map((h) => h.toLowerCase()).sort(),
      bodySha256: await sha256Hex(body),
      bodySize: request.bodySize,
      ...(keepBody ? { rawBody: decoder.decode(body) } : {}),
      ...(sample.suppressedBefore > 0 ? { suppressed: sample.suppressedBefore } : {}),
    };
    try {
      await options.inbox.reject(record);
    } catch (error) {
      options.logger.error({ reason, err: String(error) }, "could not record a rejected webhook");
    }
    return reply;
  }

  const receive = async (request: IncomingWebhook): Promise<ApiReply> => {
    if (!allowed.includes(request.method.toUpperCase())) {
      const reply = errorReply(
        "SOURCE_METHOD_NOT_ALLOWED",
        `Webhooks are accepted with ${allowed.join(", ")} only.`,
      );
      return refuse(request, "method_not_allowed", { ...reply, headers: { allow: allowed.join(", ") } });
    }
    if (!request.body || request.bodySize > maxBodyBytes) {
      return refuse(
        request,
        "body_too_large",
        errorReply("PAYLOAD_TOO_LARGE", `Webhook bodies are limited to ${maxBodyBytes} bytes.`),
      );
    }
    const body = request.body;
    if (
      options.authorizationKey !== undefined &&
      !options.authorizationCheck(request.header("authorization"), options.authorizationKey)
    ) {
      return refuse(
        request,
        "authorization_mismatch",
        errorReply("SOURCE_AUTH_FAILED", "Authentication failed."),
      );
    }
    const problem = await options.signatureCheck(
      body,
      request.header("cko-signature"),
      options.signatureKeys,
    );
    if (problem) {
      return refuse(request, problem, errorReply("SOURCE_AUTH_FAILED", "Authentication failed."), false, () =>
        options.logger.warn({ problem }, `Webhook signature check failed: ${options.explain(problem)}`),
      );
    }

    const text = decoder.decode(body);
    let envelope: { id?: unknown; type?: unknown } | undefined;
    try {
      envelope = JSON.parse(text);
    } catch {
      envelope = undefined;
    }
    const parsedId = envelope && typeof envelope === "object" ? envelope.id : undefined;
    const parsedType = envelope && typeof envelope === "object" ? envelope.type : undefined;
    const isEvent = EVT_ID.safeParse(parsedId).success && typeof parsedType === "string" && parsedType !== "";
    // Signed, so it is Checkout.com's: never make it retry what we verified. A body we cannot read
    // (not JSON, no evt_ id) is stored under a name made from its bytes (a retry of the same body
    // is a duplicate), shown to operators as invalid with the reason, and replayable once we can.
    const id = isEvent ? (parsedId as string) : `unparsed_${(await sha256Hex(body)).slice(0, 40)}`;
    const type = isEvent ? (parsedType as string) : envelope ? "not_an_event" : "unparsable";
    if (!isEvent)
      options.logger.warn({ id, type }, "signed webhook body kept, but it is not a readable event");

    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = request.header(name);
      if (value !== undefined) headers[name] = value;
    }
    try {
      const stored = await options.inbox.insert({
        id,
        type,
        rawBody: text,
        headers,
        receivedAt: receivedAt(),
      });
      if (stored === "inserted") options.onStored?.(id);
      return {
        status: 200,
        body: { received: true, ...(stored === "duplicate" ? { duplicate: true } : {}) },
      };
    } catch (error) {
      options.logger.error(
        { eventId: id, err: error instanceof Error ? error.message : String(error) },
        "webhook not stored",
      );
      // Whatever failed, the event is not stored: 503 makes Checkout.com deliver it again.
      return errorReply("STORE_UNAVAILABLE", "The event could not be stored; please retry.");
    }
  };
  return Object.assign(receive, { allowedMethods: allowed, maxBodyBytes });
}
