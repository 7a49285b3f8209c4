/** `@handoff/server/node`: handlers for a plain node:http server; each returns false for paths it does not own. */

export { createHealthHandler } from "./http/health-node.js";
export { createHandoffHandler, type HandoffHandlerOptions } from "./http/node.js";
export { createWebhookHandler } from "./http/webhooks-node.js";
