import { z } from "zod";
import { executorOf, lockClause, type SqlClient, type SqlExecutor } from "../db/sql-client.js";
import { newId } from "../new-id.js";
import type { OrderLine } from "../orders/model.js";
import type { Inventory, PricedCart, ReserveResult, StockShortfall, StoreTransaction } from "./port.js";

/** Most of one product a cart may hold, however many lines it is spread over. */
export const MAX_QUANTITY_PER_PRODUCT = 99;

export interface Product {
  sku: string;
  name: string;
  unitAmount: number;
  currency: string;
  stock: number;
}

export const cartItemsSchema = z
  .array(z.object({ sku: z.string().min(1).max(64), quantity: z.number().int().min(1).max(99) }))
  .min(1, "a cart needs at least one item")
  .max(50);
export type CartItems = z.infer<typeof cartItemsSchema>;

export type CartResult =
  | { ok: true; cart: PricedCart }
  | { ok: false; error: "UNKNOWN_SKU"; skus: string[] }
  | { ok: false; error: "MIXED_CURRENCY" }
  /** More of a product than is on the shelf now: refused before the shopper types a card. */
  | { ok: false; error: "OUT_OF_STOCK"; lines: StockShortfall[] }
  /** The same product on several lines adds up past the per-product limit. */
  | { ok: false; error: "QUANTITY_TOO_LARGE"; skus: string[] }
  | { ok: false; error: "CART_NOT_FOUND" };

/**
 * Products, carts and stock in SQL. Stock is decremented when an order reserves it; the CHECK
 * (stock >= 0) constraint makes two shoppers racing for the last unit impossible to both win.
 */
export class SqlInventory implements Inventory {
  constructor(
    private readonly db: SqlClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async upsertProducts(products: Product[]): Promise<void> {
    await this.db.batch(
      products.map((p) => ({
        sql: `INSERT INTO products (sku, name, unit_amount, currency, stock) VALUES (?, ?, ?, ?, ?)
              ON CONFLICT (sku) DO UPDATE SET name = excluded.name, unit_amount = excluded.unit_amount,
              currency = excluded.currency, stock = excluded.stock`,
        args: [p.sku, p.name, p.unitAmount, p.currency, p.stock],
      })),
    );
  }

  async listProducts(): Promise<Product[]> {
    const result = await this.db.execute("SELECT * FROM products ORDER BY sku");
    return result.rows.map((r) => ({
      sku: String(r.sku),
      name: String(r.name),
      unitAmount: Number(r.unit_amount),
      currency: String(r.currency),
      stock: Number(r.stock),
    }));
  }

  async createCart(items: CartItems): Promise<CartResult> {
    return this.writeCart(newId("cart"), items, true);
  }

  /** Replaces a cart's lines (the shopper changed their mind). */
  async setCartItems(cartId: string, items: CartItems): Promise<CartResult> {
    const exists = await this.db.execute("SELECT id FROM carts WHERE id = ?", [cartId]);
    if (exists.rows.length === 0) return { ok: false, error: "CART_NOT_FOUND" };
    return this.writeCart(cartId, items, false);
  }

  private async writeCart(cartId: string, items: CartItems, create: boolean): Promise<CartResult> {
    const merged = new Map<string, number>();
    for (const item of items) merged.set(item.sku, (merged.get(item.sku) ?? 0) + item.quantity);
    const skus = [...merged.keys()];
    const tooMany = skus.filter((sku) => (merged.get(sku) ?? 0) > MAX_QUANTITY_PER_PRODUCT);
    if (tooMany.length > 0) return { ok: false, error: "QUANTITY_TOO_LARGE", skus: tooMany };
    const found = await this.db.execute(
      `SELECT sku, name, currency, stock FROM products WHERE sku IN (${skus.map(() => "?").join(", ")})`,
      skus,
    );
    const known = new Map(found.rows.map((r) => [String(r.sku), String(r.currency)]));
    const unknown = skus.filter((s) => !known.has(s));
    if (unknown.length > 0) return { ok: false, error: "UNKNOWN_SKU", skus: unknown };
    const short = found.rows
      .map((r) => ({
        sku: String(r.sku),
        name: String(r.name),
        requested: merged.get(String(r.sku)) ?? 0,
        available: Number(r.stock),
      }))
      .filter((l) => l.requested > l.available);
    if (short.length > 0) return { ok: false, error: "OUT_OF_STOCK", lines: short };
    const currencies = new Set(known.values());
    if (currencies.size !== 1) return { ok: false, error: "MIXED_CURRENCY" };
    const currency = [...currencies][0] ?? "";
    await this.db.batch([
      create
        ? {
            sql: "INSERT INTO carts (id, currency, created_at) VALUES (?, ?, ?)",
            args: [cartId, currency, this.now().toISOString()],
          }
        : { sql: "UPDATE carts SET currency = ? WHERE id = ?", args: [currency, cartId] },
      { sql: "DELETE FROM cart_lines WHERE cart_id = ?", args: [cartId] },
      ...[...merged].map(([sku, quantity]) => ({
        sql: "INSERT INTO cart_lines (cart_id, sku, quantity) VALUES (?, ?, ?)",
        args: [cartId, sku, quantity],
      })),
    ]);
    const cart = await this.priceCart(cartId);
    return cart ? { ok: true, cart } : { ok: false, error: "CART_NOT_FOUND" };
  }

  async priceCart(cartId: string): Promise<PricedCart | undefined> {
    const result = await this.db.execute(
      `SELECT c.currency, l.sku, l.quantity, p.name, p.unit_amount FROM carts c
       LEFT JOIN cart_lines l ON l.cart_id = c.id LEFT JOIN products p ON p.sku = l.sku
       WHERE c.id = ? ORDER BY l.sku`,
      [cartId],
    );
    const first = result.rows[0];
    if (!first) return undefined;
    const lines: OrderLine[] = result.rows
      .filter((r) => r.sku !== null)
      .map((r) => {
        const quantity = Number(r.quantity);
        const unitAmount = Number(r.unit_amount);
        return {
          sku: String(r.sku),
          name: String(r.name),
          quantity,
          unitAmount,
          amount: quantity * unitAmount,
        };
      });
    return {
      cartId,
      currency: String(first.currency),
      lines,
      total: lines.reduce((sum, l) => sum + l.amount, 0),
    };
  }

  /**
   * Reads the stock of the order's products (locking those rows on PostgreSQL, in sku order so two
   * orders never wait on each other crosswise), then takes what this order does not hold yet. A
   * short line takes nothing; the CHECK (stock >= 0) stays as the last word.
   */
  reserve(orderId: string, lines: OrderLine[], tx?: StoreTransaction): Promise<ReserveResult> {
    const open = executorOf(tx);
    return open
      ? this.reserveIn(open, orderId, lines)
      : this.db.transaction((own) => this.reserveIn(own, orderId, lines));
  }

  private async reserveIn(tx: SqlExecutor, orderId: string, lines: OrderLine[]): Promise<ReserveResult> {
    const skus = [...new Set(lines.map((l) => l.sku))].sort();
    const marks = skus.map(() => "?").join(", ");
    // Each product's stock, locked, and whether this order already holds it: one read.
    const stock = await tx.execute(
      `SELECT p.sku, p.stock, r.sku AS held FROM products p
       LEFT JOIN stock_reservations r ON r.order_id = ? AND r.sku = p.sku AND r.state IN ('reserved', 'committed')
       WHERE p.sku IN (${marks}) ORDER BY p.sku${lockClause(tx.dialect, "update", "p")}`,
      [orderId, ...skus],
    );
    const available = new Map(stock.rows.map((r) => [String(r.sku), Number(r.stock)]));
    const already = new Set(stock.rows.filter((r) => r.held !== null).map((r) => String(r.sku)));
    const wanted = lines.filter((l) => !already.has(l.sku));
    const short: StockShortfall[] = wanted
      .map((l) => ({ sku: l.sku, name: l.name, requested: l.quantity, available: available.get(l.sku) ?? 0 }))
      .filter((l) => l.available < l.requested);
    if (short.length > 0) return { ok: false, lines: short };
    for (const line of wanted) {
      await tx.write("UPDATE products SET stock = stock - ? WHERE sku = ?", [line.quantity, line.sku]);
      await tx.write(
        `INSERT INTO stock_reservations (order_id, sku, quantity, state) VALUES (?, ?, ?, 'reserved')
         ON CONFLICT (order_id, sku) DO UPDATE SET quantity = excluded.quantity, state = 'reserved'`,
        [orderId, line.sku, line.quantity],
      );
    }
    return { ok: true };
  }

  async commit(orderId: string, tx?: StoreTransaction): Promise<void> {
    await (executorOf(tx) ?? this.db).write(
      "UPDATE stock_reservations SET state = 'committed' WHERE order_id = ? AND state = 'reserved'",
      [orderId],
    );
  }

  release(orderId: string, tx?: StoreTransaction): Promise<void> {
    const open = executorOf(tx);
    return open ? this.releaseIn(open, orderId) : this.db.transaction((own) => this.releaseIn(own, orderId));
  }

  private async releaseIn(tx: SqlExecutor, orderId: string): Promise<void> {
    // Held or sold: a payment voided after its authorization gives back what it had bought.
    await tx.execute(
      `UPDATE products SET stock = stock + (
         SELECT r.quantity FROM stock_reservations r
         WHERE r.order_id = ? AND r.sku = products.sku AND r.state IN ('reserved', 'committed'))
       WHERE sku IN (SELECT sku FROM stock_reservations WHERE order_id = ? AND state IN ('reserved', 'committed'))`,
      [orderId, orderId],
    );
    await tx.execute(
      "UPDATE stock_reservations SET state = 'released' WHERE order_id = ? AND state IN ('reserved', 'committed')",
      [orderId],
    );
  }
}
