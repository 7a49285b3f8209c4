import type { PaymentSessionResponse } from "@handoff/contracts";
import type { SqlClient } from "../db/sql-client.js";

/** The payment session last opened for an order, and what it was opened for. */
export interface KeptPaymentSession {
  /** What the session was opened for: amount, lines, who pays, the attempt before it. */
  fingerprint: string;
  session: PaymentSessionResponse;
  createdAt: string;
}

/** Where the last payment session of each order is kept, so an unchanged checkout reuses it. */
export interface PaymentSessionStore {
  get(orderId: string): Promise<KeptPaymentSession | undefined>;
  put(orderId: string, kept: KeptPaymentSession): Promise<void>;
}

/** In Handoff's database (`payment_sessions`), one row per order: every instance reuses the same session. */
export class SqlPaymentSessions implements PaymentSessionStore {
  constructor(private readonly db: SqlClient) {}

  async get(orderId: string): Promise<KeptPaymentSession | undefined> {
    const row = (
      await this.db.execute(
        "SELECT fingerprint, session_json, created_at FROM payment_sessions WHERE order_id = ?",
        [orderId],
      )
    ).rows[0];
    if (!row) return undefined;
    return {
      fingerprint: String(row.fingerprint),
      session: JSON.parse(String(row.session_json)) as PaymentSessionResponse,
      createdAt: String(row.created_at),
    };
  }

  async put(orderId: string, kept: KeptPaymentSession): Promise<void> {
    await this.db.execute(
      `INSERT INTO payment_sessions (order_id, fingerprint, session_json, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (order_id) DO UPDATE SET fingerprint = excluded.fingerprint,
       session_json = excluded.session_json, created_at = excluded.created_at`,
      [orderId, kept.fingerprint, JSON.stringify(kept.session), kept.createdAt],
    );
  }
}
