import type { SqlStatement } from "../db/sql-client.js";
import type { OrderLine } from "../orders/model.js";

export interface PricedCart {
  cartId: string;
  currency: string;
  lines: OrderLine[];
  /** Minor units: the sum of the lines, computed here, never received from a browser. */
  total: number;
}

export interface StockShortfall {
  sku: string;
  /** The product's name, so the shopper is told what sold out. */
  name?: string;
  requested: number;
  available: number;
}

export type ReserveResult = { ok: true } | { ok: false; lines: StockShortfall[] };

/**
 * The merchant's catalogue and stock. Handoff ships a SQL implementation (the demo shop uses it);
 * a merchant with their own system implements these four calls.
 */
export interface Inventory {
  /** Loads and prices a cart; undefined when there is no such cart. */
  priceCart(cartId: string): Promise<PricedCart | undefined>;
  /** Holds stock for an order, all lines or none. Repeating it for the same order holds nothing more. */
  reserve(orderId: string, lines: OrderLine[]): Promise<ReserveResult>;
  /** The order is paid: the held stock is sold. */
  commit(orderId: string): Promise<void>;
  /** The payment failed: the held stock goes back on the shelf. */
  release(orderId: string): Promise<void>;
  /**
   * Stock kept in the order store's own database can join its transactions, so opening an attempt
   * and holding its stock is one durable write, and so is recording the outcome and settling it.
   */
  sql?: SqlStockStatements;
}

export interface SqlStockStatements {
  /** Fails the whole transaction with a CHECK violation when any line is short. */
  reserve(orderId: string, lines: OrderLine[]): SqlStatement[];
  settle(orderId: string, outcome: "commit" | "release"): SqlStatement[];
  /** After a refused reservation: which lines were short. */
  shortfall(lines: OrderLine[]): Promise<StockShortfall[]>;
}
