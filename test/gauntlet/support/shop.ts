import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningShop, startShop } from "@handoff/demo-shop";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import {
  loadConfig,
  type SqlClient,
  signTestWebhook,
  type VelocityLimits,
  type WorkerOptions,
} from "@handoff/server";
import { openSqlite } from "@handoff/server/sqlite";

import { sandboxToken } from "./truth.js";

export const OPS_TOKEN = "gauntlet-ops-token";
export const OPS_PASSWORD = "gauntlet-ops-password";

/** The demo shop as a merchant runs it (sandbox + SQLite + worker + sweep), plus a reader on its database. */
export interface GauntletShop {
  sandbox: Sandbox;
  shop: RunningShop;
  url: string;
  db: SqlClient;
  count(table: string, where?: string): Promise<number>;
  /** A cart with its session opened, as the widget would. */
  cart(items: Array<{ sku: string; quantity: number }>): Promise<string>;
  token(number?: string): string;
  confirm(cartId: string, processorToken: string, headers?: Record<string, string>): Promise<Response>;
  sendWebhook(body: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startGauntletShop(
  options: {
    captureDelayMs?: number;
    velocity?: VelocityLimits;
    timeScale?: number;
    worker?: WorkerOptions;
  } = {},
): Promise<GauntletShop> {
  const dir = await mkdtemp(join(tmpdir(), "handoff-gauntlet-"));
  const sandbox = createSandbox({
    captureDelayMs: options.captureDelayMs ?? 50,
    timeScale: options.timeScale ?? 1,
  });
  await sandbox.listen();
  const databaseUrl = `file:${join(dir, "shop.db")}`;
  const config = loadConfig({ CKO_API_URL: sandbox.url, DATABASE_URL: databaseUrl }, sandbox.keys);
  const shop = await startShop({
    config,
    opsToken: OPS_TOKEN,
    opsPassword: OPS_PASSWORD,
    port: 0,
    logLevel: "silent",
    ...(options.velocity ? { velocity: options.velocity } : {}),
    ...(options.worker ? { worker: options.worker } : {}),
  });
  sandbox.webhookUrls = [`${shop.url}/webhooks/checkoutdotcom`];
  const db = await openSqlite(databaseUrl);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${shop.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  return {
    sandbox,
    shop,
    url: shop.url,
    db,
    async count(table, where = "1 = 1") {
      return Number((await db.execute(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)).rows[0]?.n ?? 0);
    },
    async cart(items) {
      const created = (await (await post("/api/carts", { items })).json()) as { cartId: string };
      await post("/api/checkout/session", { cartId: created.cartId });
      return created.cartId;
    },
    token: (number) => sandboxToken(sandbox, number),
    confirm: (cartId, processorToken, headers) =>
      post("/api/checkout/confirm", { cartId, processorToken }, headers),
    sendWebhook(body) {
      const signed = signTestWebhook(body, sandbox.keys.signatureKey);
      return fetch(`${shop.url}/webhooks/checkoutdotcom`, {
        method: "POST",
        body: signed.body,
        headers: signed.headers,
      });
    },
    async close() {
      await shop.close();
      await db.close();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
