import { createFetchWebhookHandler, type InboxEvent, type WebhookInboxPort } from "@handoff/server/fetch";

/** What the runtime passes in (a Worker's `env`, or read them from `Deno.env` / `process.env`). */
export interface Env {
  /** One key, or several separated by commas during a rotation. */
  CKO_WEBHOOK_SIGNATURE_KEY: string;
  CKO_WEBHOOK_AUTHORIZATION_KEY?: string;
}

/**
 * The inbox: every verified event is stored here before Checkout.com gets its 200, keyed by its
 * `evt_` id so a redelivery changes nothing. A Map keeps the example small; in production put them
 * where they survive a restart (D1, KV, your database) and process them from there, or forward
 * them to the shop that runs `@handoff/server`'s worker.
 */
export function memoryInbox(): WebhookInboxPort & { events: Map<string, InboxEvent> } {
  const events = new Map<string, InboxEvent>();
  return {
    events,
    async insert(event) {
      if (events.has(event.id)) return "duplicate";
      events.set(event.id, event);
      return "inserted";
    },
    async reject() {
      // Refused requests (bad signature, wrong method): keep a sample for operators if you like.
    },
  };
}

// #region receiver
export function createReceiver(env: Env, inbox: WebhookInboxPort) {
  const receive = createFetchWebhookHandler({
    inbox,
    // "k1, k2" as people write it during a rotation: each key without its spaces, empty ones dropped.
    signatureKeys: env.CKO_WEBHOOK_SIGNATURE_KEY.split(",")
      .map((key) => key.trim())
      .filter(Boolean),
    ...(env.CKO_WEBHOOK_AUTHORIZATION_KEY ? { authorizationKey: env.CKO_WEBHOOK_AUTHORIZATION_KEY } : {}),
    logger: { info: console.log, warn: console.warn, error: console.error },
  });
  return (request: Request): Promise<Response> | Response =>
    new URL(request.url).pathname === "/webhooks/checkoutdotcom"
      ? receive(request)
      : new Response("Not found", { status: 404 });
}
// #endregion

const inbox = memoryInbox();
let receiver: ReturnType<typeof createReceiver> | undefined;

/** The module shape Workers, Deno (`deno serve`) and Bun (`Bun.serve`) accept. */
export default {
  fetch(request: Request, env: Env): Promise<Response> | Response {
    receiver ??= createReceiver(env, inbox);
    return receiver(request);
  },
};
