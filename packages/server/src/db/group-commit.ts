import type { SqlClient, SqlResult, SqlStatement } from "./sql-client.js";

interface Pending {
  statement: SqlStatement;
  resolve: (result: SqlResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: statements submitted while a write is in progress are written together in the
 * next transaction. Each caller still waits for its own statement to be durable, but a burst of
 * webhooks shares one fsync instead of paying one each.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: SqlClient,
    private readonly maxBatch = 512,
  ) {}

  submit(statement: SqlStatement): Promise<SqlResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statement, resolve, reject });
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
        const results = await this.db.batch(batch.map((p) => p.statement));
        for (const [i, p] of batch.entries()) p.resolve(results[i] ?? { rows: [], rowsAffected: 0 });
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.flushing = false;
  }
}
