import type { HandoffEvent } from "@handoff/contracts";
import type { Destination } from "./destinations.js";
import { signatureHeader } from "./sign.js";

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  durationMs: number;
  /** The first characters of the receiver's answer, for the delivery log. */
  responseExcerpt?: string;
  error?: string;
}

/** The body a destination receives: the Standard Webhooks envelope. */
export function deliveryBody(event: HandoffEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}

/**
 * One delivery attempt: POST the envelope, signed with every secret the destination holds, the
 * same `webhook-id` on every attempt. 2xx is delivered; anything else, a timeout or a refused
 * connection is a failure to retry. Redirects are not followed (a moved endpoint is reconfigured).
 */
export async function sendToDestination(
  destination: Pick<Destination, "url" | "secrets">,
  event: HandoffEvent,
  now: Date,
  timeoutMs: number,
): Promise<SendResult> {
  const body = deliveryBody(event);
  const timestamp = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  try {
    const response = await fetch(destination.url, {
      method: "POST",
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": "Handoff-Webhooks/1",
        "webhook-id": event.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signatureHeader(destination.secrets, event.id, timestamp, body),
      },
    });
    const text = (await response.text()).slice(0, 300);
    return {
      ok: response.status >= 200 && response.status < 300,
      statusCode: response.status,
      durationMs: Math.round(performance.now() - started),
      ...(text ? { responseExcerpt: text } : {}),
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    const why = e.name === "TimeoutError" ? `no answer in ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, durationMs: Math.round(performance.now() - started), error: why };
  }
}
