import { createFetchWebhookHandler } from "@handoff/server/fetch";
import { shop } from "../../../lib/shop";

// Checkout.com's webhooks: verified on the raw bytes, stored, then processed by the shop's worker.
export async function POST(request: Request): Promise<Response> {
  const { webhooks, handoff, config } = await shop();
  const receive = createFetchWebhookHandler({
    inbox: webhooks.inbox,
    signatureKeys: config.webhookSignatureKeys,
    ...(config.webhookAuthorizationKey ? { authorizationKey: config.webhookAuthorizationKey } : {}),
    logger: handoff.deps.logger,
    onStored: () => webhooks.worker.wake(),
  });
  return receive(request);
}
