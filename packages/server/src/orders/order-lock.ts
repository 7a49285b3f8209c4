/**
 * One change at a time per order within this process: confirm, the webhook worker, the 3-D Secure
 * return and the sweep may all hold news about the same payment at once. Each re-reads the attempt
 * inside the lock, so a transition is always computed from the stored state, never a stale copy.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export const orderLock = new KeyedLock();
