/** `@handoff/server/express`: Express 5 routers (express is an optional peer dependency). */
export { createHandoffRouter, type HandoffRouterOptions } from "./http/express.js";
export { createHealthRouter } from "./http/health-express.js";
export { createWebhookRouter, WebhookBodyAlreadyParsedError } from "./http/webhooks-express.js";
