export { CredentialThrottle, createGuard, SESSION_COOKIE } from "./auth/guard.js";
export { adminOperator, loadOperatorsFile, type Operator, OperatorsFileError } from "./auth/operators.js";
export { hashPassword, hashToken, verifyPassword } from "./auth/secrets.js";
export { SqlOpsSessions } from "./auth/sessions.js";
export { parseMajor } from "./pages/orders.js";
export { redact } from "./pages/webhooks.js";
export { createOpsRouter, type OpsAuth, type OpsRouterOptions } from "./router.js";
