import type { TransactionHandle } from "../db/sql-client.js";
import type { Logger } from "../logger.js";
import type { PaymentProcessor } from "../processor/port.js";
import type { OrderStore } from "../store/port.js";
import type { OrderLine, ReserveResult } from "./model.js";

/** The stock steps settling takes inside the order's transaction; every `Inventory` has them. */
export interface StockSteps {
  reserve(orderId: string, lines: OrderLine[], tx?: TransactionHandle): Promise<ReserveResult>;
  commit(orderId: string, tx?: TransactionHandle): Promise<void>;
  release(orderId: string, tx?: TransactionHandle): Promise<void>;
}

/**
 * What the order use cases (settle, the sweep, operators, disputes) depend on. `HandoffDeps` has all
 * of it; tests may pass less.
 */
export interface OrderDeps {
  store: OrderStore;
  inventory: StockSteps;
  processor: PaymentProcessor;
  logger: Logger;
  now: () => Date;
  /** Called after a transaction committed order events, so the outbox delivers them now. */
  outboxCommitted?: (() => void) | undefined;
}
