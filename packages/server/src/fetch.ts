/**
 * `@handoff/server/fetch`: the checkout routes and the webhook receiver as `(Request) =>
 * Promise<Response>`, for Next.js route handlers, Hono, Workers, Deno and Bun. Imports nothing from
 * Node: WebCrypto verifies signatures; the webhook inbox is yours (`WebhookInboxPort`), or
 * `SqlWebhookInbox` where SQL is at hand.
 */
export type { Logger } from "./deps.js";
export type { Handoff } from "./handoff.js";
export type { Health } from "./health.js";
export { createFetchHandoffHandler, type FetchHandoffOptions } from "./http/checkout-fetch.js";
export { createFetchHealthHandler } from "./http/health-routes.js";
export { createFetchWebhookHandler, type FetchWebhookOptions } from "./http/webhooks-fetch.js";
export type { InboxEvent, RejectedRequest } from "./webhooks/inbox.js";
export type { WebhookInboxPort } from "./webhooks/receive.js";
export { checkSignatureWeb } from "./webhooks/verify-web.js";
