import { existsSync } from "node:fs";
import { startShop } from "@handoff/demo-shop";
import {
  loadConfig,
  type OutboxWorkerOptions,
  openDatabase,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
  type SqlStatement,
  type SqlValue,
  StoreUnavailableError,
  type VelocityLimits,
  type WorkerOptions,
} from "@handoff/server";

/**
 * The demo shop in its own process, for the gauntlet: killed with SIGKILL, starved of disk, and
 * measured (memory) from outside. argv: JSON {env, keys}. With `fullWhileExists`, writes fail as
 * SQLite's SQLITE_FULL does while that file exists: the fallback where no small filesystem can be
 * mounted.
 */
const { env, keys, fullWhileExists, worker, velocity, outbox, port } = JSON.parse(
  process.argv[2] ?? "{}",
) as {
  env: Record<string, string>;
  port?: number;
  keys: { publicKey: string; secretKey: string; signatureKey: string };
  fullWhileExists?: string;
  worker?: WorkerOptions;
  velocity?: VelocityLimits;
  outbox?: OutboxWorkerOptions;
};

const WRITE = /^\s*(INSERT|UPDATE|DELETE)/i;
function fullDisk(db: SqlClient, flag: string): SqlClient {
  const refuse = () => new StoreUnavailableError("SQLITE_FULL: database or disk is full");
  const guarded = (on: SqlExecutor): SqlExecutor => ({
    dialect: on.dialect,
    async execute(sql: string, args?: SqlValue[]): Promise<SqlResult> {
      if (WRITE.test(sql) && existsSync(flag)) throw refuse();
      return on.execute(sql, args);
    },
    async write(sql: string, args?: SqlValue[]): Promise<void> {
      if (WRITE.test(sql) && existsSync(flag)) throw refuse();
      return on.write(sql, args);
    },
  });
  return {
    ...guarded(db),
    transaction: (work) => db.transaction((tx) => work(guarded(tx))),
    async batch(statements: SqlStatement[]) {
      if (statements.some((s) => WRITE.test(s.sql)) && existsSync(flag)) throw refuse();
      return db.batch(statements);
    },
    close: () => db.close(),
  };
}

const config = loadConfig(env, keys);
// The shop opens its own database (as in production, so its start-up includes it), unless writes must fail.
const db = fullWhileExists ? fullDisk(await openDatabase(config.databaseUrl), fullWhileExists) : undefined;
const shop = await startShop({
  config,
  opsToken: "gauntlet-ops-token",
  opsPassword: "gauntlet-ops-password",
  port: port ?? 0,
  logLevel: env.LOG_LEVEL ?? "silent",
  ...(db ? { db } : {}),
  ...(worker ? { worker } : {}),
  ...(velocity ? { velocity } : {}),
  ...(outbox ? { outbox } : {}),
  // The sweep runs on its own timer in production; here each test runs it when it means to.
  sweepEverySeconds: 3600,
});
// What an orchestrator sends to stop an instance: finish, hand back, close, exit.
process.once("SIGTERM", async () => {
  await shop.close();
  process.exit(0);
});
process.send?.({ type: "ready", url: shop.url });
process.on("message", async (message: { type?: string }) => {
  if (message.type === "memory") {
    // Garbage the next collection would free is not growth: measured after a full collection.
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: "memory", rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
  }
  if (message.type === "stop") {
    await shop.close();
    process.exit(0);
  }
});
