import type { Logger } from "../logger.js";

/**
 * The client went away (closed or reset its connection) before its request's body had all
 * arrived. The client's doing, not a failure of ours: nothing was processed, nobody reads an answer.
 */
export class ClientAbortedError extends Error {
  override name = "ClientAbortedError";
  constructor(cause?: unknown) {
    super("the client closed the connection before its request's body arrived", { cause });
  }
}

/** nginx's 499 Client Closed Request: what logs and metrics see for such a request; never a 5xx. */
export const CLIENT_CLOSED_REQUEST = 499;

/** At most a debug line: thousands of dropped connections are not thousands of errors. */
export function logClientAborted(logger: Logger, route: string): void {
  logger.debug?.({ route }, "client closed the request before its body arrived; nothing was done");
}

/** What `reading` resolves to, or undefined when the client went away meanwhile; other failures throw. */
export async function unlessAborted<T>(reading: Promise<T>): Promise<T | undefined> {
  try {
    return await reading;
  } catch (error) {
    if (error instanceof ClientAbortedError) return undefined;
    throw error;
  }
}
