import type { SqlClient } from "../db/sql-client.js";
import type { HandoffDeps } from "../deps.js";
import { OrderEvents } from "../orders/events.js";
import type { Destination } from "./destinations.js";
import { DestinationNetwork, type DestinationNetworkOptions } from "./network.js";
import { SqlOutbox } from "./sql-outbox.js";
import { OutboxWorker, type OutboxWorkerOptions } from "./worker.js";

export interface OutboxOptions {
  db: SqlClient;
  deps: Pick<HandoffDeps, "logger" | "now">;
  /** From HANDOFF_DESTINATIONS (`loadDestinationsFile`); the stored ones from the file are made to match. */
  destinations?: Destination[];
  worker?: OutboxWorkerOptions;
  /** Where destinations may point (default: the public internet only); checked on save and on every connection. */
  network?: DestinationNetworkOptions;
}

export interface Outbox {
  store: SqlOutbox;
  worker: OutboxWorker;
  /** In-process hooks: `hooks.on("paid", …)`, fed from committed events. */
  hooks: OrderEvents;
  /** Syncs the file's destinations and starts delivering. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The outbox, its delivery worker and the in-process hooks. Give the use cases
 * `outboxCommitted: () => outbox.worker.wake()` so events go out at once (`openHandoff` does).
 */
export function createOutbox(options: OutboxOptions): Outbox {
  const store = new SqlOutbox(options.db, new DestinationNetwork(options.network));
  const hooks = new OrderEvents(options.deps.logger);
  const worker = new OutboxWorker(
    store,
    { logger: options.deps.logger, now: options.deps.now, hooks },
    options.worker,
  );
  return {
    store,
    worker,
    hooks,
    async start() {
      if (options.destinations)
        await store.syncFileDestinations(options.destinations, options.deps.now().toISOString());
      worker.start();
    },
    stop: () => worker.stop(),
  };
}
