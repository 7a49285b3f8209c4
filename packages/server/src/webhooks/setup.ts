import type { SqlClient } from "../db/sql-client.js";
import type { HandoffDeps } from "../deps.js";
import { reconcileStuckAttempts, type SweepOptions } from "../orders/reconcile.js";
import { SqlWebhookInbox } from "./inbox.js";
import type { EventRoutes } from "./process.js";
import { createWebhookReceiver, type WebhookReceiver } from "./receive.js";
import { checkAuthorization, checkSignature, explainSignatureProblem } from "./verify.js";
import { WebhookWorker, type WorkerOptions } from "./worker.js";

export interface WebhooksOptions {
  db: SqlClient;
  deps: HandoffDeps;
  signatureKeys: readonly string[];
  authorizationKey?: string | undefined;
  allowedMethods?: readonly string[];
  maxBodyBytes?: number;
  worker?: WorkerOptions;
  /** Events handled outside orders (`report_generated` → settlement). */
  routes?: EventRoutes;
}

export interface Webhooks {
  inbox: SqlWebhookInbox;
  receiver: WebhookReceiver;
  worker: WebhookWorker;
  /** Looks up attempts stuck longer than `olderThanMs` and applies what Checkout.com says. */
  reconcile(olderThanMs: number, options?: SweepOptions): ReturnType<typeof reconcileStuckAttempts>;
  /** An operator asked: process a stored event again, bypassing the duplicate check. */
  reprocess(eventId: string): Promise<boolean>;
}

/** The inbox, the receiving pipeline (node:crypto verifier) and the worker, wired together. */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  const inbox = new SqlWebhookInbox(options.db);
  const worker = new WebhookWorker(inbox, options.deps, options.worker, options.routes);
  const receiver = createWebhookReceiver({
    inbox,
    signatureKeys: options.signatureKeys,
    authorizationKey: options.authorizationKey,
    ...(options.allowedMethods ? { allowedMethods: options.allowedMethods } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    logger: options.deps.logger,
    now: options.deps.now,
    onStored: () => worker.wake(),
    signatureCheck: checkSignature,
    authorizationCheck: checkAuthorization,
    explain: explainSignatureProblem,
  });
  return {
    inbox,
    receiver,
    worker,
    reconcile: (olderThanMs, sweep) => reconcileStuckAttempts(options.deps, olderThanMs, sweep),
    async reprocess(eventId) {
      const found = await inbox.requeue(eventId, options.deps.now().toISOString());
      if (found) worker.wake();
      return found;
    },
  };
}
