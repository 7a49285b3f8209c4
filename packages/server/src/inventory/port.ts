import type { TransactionHandle } from "../db/sql-client.js";
import type { OrderLine, PricedCart, ReserveResult } from "../orders/model.js";

// What a cart and its stock look like to an order; defined beside the order, used by every inventory.
export type { PricedCart, ReserveResult, StockShortfall } from "../orders/model.js";

/**
 * The open transaction of the order store, handed to the inventory inside confirm and settle so
 * stock held or released there commits with the attempt. It is opaque: stock in the same database
 * opens it with `executorOf` (as `SqlInventory` does); stock elsewhere ignores it (and should answer
 * quickly: the order's lock is held while it works).
 */
export type StoreTransaction = TransactionHandle;

/**
 * The merchant's catalogue and stock. Handoff ships a SQL implementation (the demo shop uses it);
 * a merchant with their own system implements these four calls.
 */
export interface Inventory {
  /** Loads and prices a cart; undefined when there is no such cart. */
  priceCart(cartId: string): Promise<PricedCart | undefined>;
  /** Holds stock for an order, all lines or none. Repeating it for the same order holds nothing more. */
  reserve(orderId: string, lines: OrderLine[], tx?: StoreTransaction): Promise<ReserveResult>;
  /** The order is paid: the held stock is sold. */
  commit(orderId: string, tx?: StoreTransaction): Promise<void>;
  /** The payment failed, or was voided after its authorization: the stock it held or had sold goes back on the shelf. */
  release(orderId: string, tx?: StoreTransaction): Promise<void>;
}
