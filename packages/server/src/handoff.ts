import { type ConfirmContext, confirm } from "./confirm/use-case.js";
import { ConfirmVelocity } from "./confirm/velocity.js";
import type { HandoffDeps } from "./deps.js";
import type { ApiReply } from "./reply.js";
import { createSession } from "./session/use-case.js";
import { countConfirmOutcome } from "./telemetry/metrics.js";
import { ATTR } from "./telemetry/tracer.js";
import { cartIdOf, traceUseCase } from "./telemetry/use-cases.js";
import { threeDsReturn } from "./three-ds/use-case.js";

/** The use cases bound to their dependencies: what HTTP adapters (and tests) call. */
export interface Handoff {
  readonly deps: HandoffDeps;
  session(body: unknown, context?: ConfirmContext): Promise<ApiReply>;
  confirm(body: unknown, context?: ConfirmContext): Promise<ApiReply>;
  threeDsReturn(query: URLSearchParams): Promise<ApiReply>;
}

export function createHandoff(given: HandoffDeps): Handoff {
  const deps: HandoffDeps = { ...given, velocity: given.velocity ?? new ConfirmVelocity() };
  return {
    deps,
    // Each use case in a span (a no-op until the app registers an OpenTelemetry SDK).
    session: (body, context) =>
      traceUseCase("handoff.session", { attributes: { [ATTR.cartId]: cartIdOf(body) } }, () =>
        createSession(body, deps, context?.locale, context?.client),
      ),
    confirm: (body, context) =>
      traceUseCase(
        "handoff.confirm",
        {
          attributes: { [ATTR.cartId]: cartIdOf(body) },
          count: countConfirmOutcome,
          attemptOf: async (orderId) => (await deps.store.attemptsOfOrder(orderId)).at(-1)?.id,
        },
        () => confirm(body, deps, context),
      ),
    threeDsReturn: (query) => traceUseCase("handoff.three_ds_return", {}, () => threeDsReturn(query, deps)),
  };
}
