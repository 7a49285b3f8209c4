export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** Wait before the second try; doubles each time. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 250 };

export function backoffMs(policy: RetryPolicy, tryNumber: number): number {
  return policy.baseDelayMs * 2 ** (tryNumber - 1);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
