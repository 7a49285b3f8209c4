import type { Logger } from "../deps.js";
import { createWebhookReceiver, DEFAULT_MAX_BODY_BYTES, type WebhookInboxPort } from "../webhooks/receive.js";
import { checkSignatureWeb } from "../webhooks/verify-web.js";
import { CLIENT_CLOSED_REQUEST, logClientAborted, unlessAborted } from "./client-aborted.js";
import { readWebBody } from "./web-body.js";

export interface FetchWebhookOptions {
  inbox: WebhookInboxPort;
  signatureKeys: readonly string[];
  authorizationKey?: string;
  allowedMethods?: readonly string[];
  maxBodyBytes?: number;
  logger: Logger;
  onStored?: (eventId: string) => void;
}

/** Constant-time string comparison without Buffer. */
function sameString(a: string | undefined, b: string | undefined): boolean {
  if (b === undefined) return true;
  if (a === undefined || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const EXPLAIN = {
  missing_signature: "No Cko-Signature header.",
  malformed_signature: "Cko-Signature is not a 64-character hex HMAC-SHA256.",
  no_keys: "No signature key configured.",
  signature_mismatch:
    "No signature matches the body: verify the raw body (req.text()/arrayBuffer()), not parsed JSON.",
} as const;

/**
 * `Request → Response` adapter for Next.js route handlers, Hono, Workers and other fetch runtimes.
 * Verifies with WebCrypto, so it needs neither `node:crypto` nor `Buffer`.
 *
 * @example
 * // app/webhooks/checkoutdotcom/route.ts
 * const handle = createFetchWebhookHandler({ inbox, signatureKeys: [process.env.CKO_WEBHOOK_SIGNATURE_KEY!], logger });
 * export const POST = handle;
 */
export function createFetchWebhookHandler(
  options: FetchWebhookOptions,
): (request: Request) => Promise<Response> {
  const receiver = createWebhookReceiver({
    ...options,
    signatureCheck: (body, header, keys) => checkSignatureWeb(body, header, keys),
    authorizationCheck: sameString,
    explain: (problem) => EXPLAIN[problem],
  });
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request) => {
    // Streamed with a cap: a body past the limit is never held whole, whatever Content-Length says.
    const read = await unlessAborted(readWebBody(request.body, limit));
    if (!read) {
      // Gone before its body arrived: nothing stored, and nobody to answer.
      logClientAborted(options.logger, `${request.method} ${new URL(request.url).pathname}`);
      return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    }
    const { body, size } = read;
    const headerNames: string[] = [];
    request.headers.forEach((_value, name) => {
      headerNames.push(name);
    });
    const reply = await receiver({
      method: request.method,
      header: (name) => request.headers.get(name) ?? undefined,
      headerNames,
      body,
      bodySize: size,
    });
    return new Response(JSON.stringify(reply.body ?? {}), {
      status: reply.status,
      headers: { "content-type": "application/json; charset=utf-8", ...reply.headers },
    });
  };
}
