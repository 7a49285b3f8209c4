import type { HandoffEvent } from "@handoff/contracts";
import { type Dispatcher, request } from "undici";
import type { Destination } from "./destinations.js";
import { DestinationNetwork } from "./network.js";
import { signatureHeader } from "./sign.js";

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  durationMs: number;
  /** The first characters of the receiver's answer, for the delivery log. */
  responseExcerpt?: string;
  error?: string;
}

/** Callers that give no network reach the public internet only. */
const PUBLIC_ONLY = new DestinationNetwork();

/** The body a destination receives: the Standard Webhooks envelope. */
export function deliveryBody(event: HandoffEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}

/** At most this much of a receiver's answer is read; the rest is never taken in. */
export const MAX_ANSWER_BYTES = 1024;

/**
 * One delivery attempt: POST the envelope, signed with every secret the destination holds, the
 * same `webhook-id` on every attempt. 2xx is delivered; anything else, a timeout or a refused
 * connection is a failure to retry. Redirects are not followed (a moved endpoint is reconfigured).
 * It connects through `network` (default: the public internet only), so a destination reaches
 * only addresses the merchant allows; of the answer, the first KB at most is read.
 */
export async function sendToDestination(
  destination: Pick<Destination, "url" | "secrets">,
  event: HandoffEvent,
  now: Date,
  timeoutMs: number,
  network: DestinationNetwork = PUBLIC_ONLY,
): Promise<SendResult> {
  const body = deliveryBody(event);
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  try {
    const response = await request(destination.url, {
      method: "POST",
      body,
      dispatcher: network.dispatcher(),
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Handoff-Webhooks/1",
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(destination.secrets, event.id, timestamp, body),
      },
    });
    const text = (await readAnswer(response.body)).slice(0, 300);
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      statusCode: response.statusCode,
      durationMs: Math.round(performance.now() - started),
      ...(text ? { responseExcerpt: text } : {}),
    };
  } catch (error) {
    const e = error as Error & { code?: string; cause?: { code?: string } };
    const why =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `no answer in ${timeoutMs} ms`
        : e.code === "DESTINATION_NOT_ALLOWED"
          ? e.message
          : (e.cause?.code ?? e.code ?? e.message);
    return { ok: false, durationMs: Math.round(performance.now() - started), error: why };
  }
}

/** The first MAX_ANSWER_BYTES of an answer as text; the stream is then destroyed, the rest unread. */
async function readAnswer(stream: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const piece = chunk as Buffer;
      chunks.push(piece.subarray(0, MAX_ANSWER_BYTES - size));
      size += piece.length;
      if (size >= MAX_ANSWER_BYTES) break;
    }
  } finally {
    if (size >= MAX_ANSWER_BYTES) stream.destroy();
  }
  return Buffer.concat(chunks).toString("utf8");
}
