import type { Logger } from "../deps.js";
import { type ApiReply, errorReply } from "../reply.js";
import type { CallFailure } from "./port.js";

/**
 * A processor failure the shopper cannot fix, as an answer: 503 when trying again may work,
 * 502 when Checkout.com refused our own request (keys, configuration), which the log explains.
 */
export function processorFailureReply(failure: CallFailure, logger: Logger, orderId: string): ApiReply {
  if (failure.kind === "unavailable") {
    logger.warn({ orderId, reason: failure.reason }, "Checkout.com did not answer");
    return errorReply("PROCESSOR_UNAVAILABLE", "The payment service is not answering. Please try again.", {
      retryable: true,
      orderId,
    });
  }
  const detail =
    failure.kind === "unauthorized"
      ? "Checkout.com refused the secret key (401): check CKO_SECRET_KEY and CKO_ENVIRONMENT"
      : failure.kind === "rejected"
        ? `Checkout.com rejected the request: ${failure.codes.join(", ") || `HTTP ${failure.status}`}`
        : `Checkout.com answered ${failure.kind}`;
  logger.error({ orderId, failure: failure.kind }, detail);
  return errorReply("PROCESSOR_REJECTED", "We could not start the payment. Please try again later.", {
    retryable: false,
    orderId,
  });
}
