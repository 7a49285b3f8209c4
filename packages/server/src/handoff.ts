import { type ConfirmContext, confirm } from "./confirm/use-case.js";
import { ConfirmVelocity } from "./confirm/velocity.js";
import type { HandoffDeps } from "./deps.js";
import type { ApiReply } from "./reply.js";
import { createSession } from "./session/use-case.js";
import { threeDsReturn } from "./three-ds/use-case.js";

/** The use cases bound to their dependencies: what HTTP adapters (and tests) call. */
export interface Handoff {
  readonly deps: HandoffDeps;
  session(body: unknown, context?: ConfirmContext): Promise<ApiReply>;
  confirm(body: unknown, context?: ConfirmContext): Promise<ApiReply>;
  threeDsReturn(query: URLSearchParams): Promise<ApiReply>;
}

export function createHandoff(deps: HandoffDeps): Handoff {
  deps.velocity ??= new ConfirmVelocity();
  return {
    deps,
    session: (body, context) => createSession(body, deps, context?.locale),
    confirm: (body, context) => confirm(body, deps, context),
    threeDsReturn: (query) => threeDsReturn(query, deps),
  };
}
