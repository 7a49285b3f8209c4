/** `@handoff/server/node`: handlers for a plain node:http server; each returns false for paths it does not own. */
export { createHandoffHandler } from "./http/node.js";
export { createWebhookHandler } from "./http/webhooks-node.js";
