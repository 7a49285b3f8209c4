import type { SqlClient, SqlExecutor } from "./sql-client.js";

interface Pending<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** Writes a batch of items in one open transaction, answering for each item in order. */
export type BatchWriter<I, R> = (tx: SqlExecutor, items: I[]) => Promise<R[]>;

/**
 * Group commit: items submitted while a write is in progress are written together in the next
 * transaction. Each caller still waits for its own item to be durable, but a burst of webhooks
 * shares one fsync (and, with a writer that can, one statement) instead of paying one each.
 */
export class GroupCommitter<I, R> {
  private queue: Pending<I, R>[] = [];
  private flushing = false;

  constructor(
    private readonly db: SqlClient,
    private readonly write: BatchWriter<I, R>,
    private readonly maxBatch = 512,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        // Let the requests that arrived in this turn of the event loop join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const items = batch.map((p) => p.item);
        const results = await this.db.transaction((tx) => this.write(tx, items));
        for (const [i, p] of batch.entries()) p.resolve(results[i] as R);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = false;
  }
}
