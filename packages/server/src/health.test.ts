import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "./db/open.js";
import { type SqlClient, StoreUnavailableError } from "./db/sql-client.js";
import { createHealthHandler } from "./http/health-node.js";
import { openHandoff } from "./open.js";
import { type Harness, startHarness } from "./test-support/harness.js";
import { testEngine } from "./test-support/postgres.js";

/**
 * What a load balancer sees of an instance over HTTP: alive from the start, ready only once its
 * background work runs and while its database answers, not ready again the moment shutdown begins.
 */
let h: Harness;
let server: Server;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  const probes = createHealthHandler(h.service.health);
  server = createServer(async (req, res) => {
    if (!(await probes(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await h.close();
});

/** Statements run from the server's maintenance database (a database cannot lock itself out). */
async function asAdmin(...statements: string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: h.databaseUrl.replace(/\/[^/?]+(\?|$)/, "/postgres$1") });
  await admin.connect();
  try {
    for (const sql of statements) await admin.query(sql);
  } finally {
    await admin.end();
  }
}

const probe = async (path: string) => {
  const answer = await fetch(`${url}${path}`);
  return { status: answer.status, retryAfter: answer.headers.get("retry-after"), body: await answer.json() };
};

describe("health over HTTP", () => {
  it("is alive from the start, and ready only once the background work runs", async () => {
    expect((await probe("/healthz")).status).toBe(200);
    expect(await probe("/readyz")).toMatchObject({
      status: 503,
      retryAfter: "5",
      body: { status: "starting", database: "ok", background: "stopped" },
    });
    await h.service.start();
    expect(await probe("/readyz")).toMatchObject({
      status: 200,
      body: { status: "ready", database: "ok", background: "running" },
    });
  });

  it("says not ready within seconds of its database going away", async () => {
    // A second instance on the same database, whose database then goes away.
    const postgres = testEngine() === "postgres";
    const name = new URL(h.databaseUrl).pathname.slice(1);
    const opened = await openDatabase(h.databaseUrl, { applicationName: "handoff-going-away" });
    // SQLite's file is local and cannot go away under a running process; there, its store fails as a
    // lost disk makes it fail. PostgreSQL goes away for real below.
    let gone = false;
    const db: SqlClient = postgres
      ? opened
      : {
          ...opened,
          dialect: opened.dialect,
          execute: (sql, args) =>
            gone
              ? Promise.reject(new StoreUnavailableError("SQLITE_IOERR: disk I/O error"))
              : opened.execute(sql, args),
          batch: (statements) => opened.batch(statements),
          transaction: (work) => opened.transaction(work),
          close: () => opened.close(),
        };
    const other = await openHandoff({ config: h.service.config, db, logger: h.deps.logger, sweep: false });
    await other.start();
    expect((await other.health.ready()).status).toBe(200);
    const started = Date.now();
    if (postgres) {
      // The server refuses this database from now on and drops that instance's connections.
      await asAdmin(
        `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'handoff-going-away'",
      );
    } else {
      gone = true;
    }
    const ready = await other.health.ready();
    expect(ready).toMatchObject({ status: 503, body: { status: "unavailable", database: "unreachable" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    if (postgres) await asAdmin(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await other.close();
    await opened.close();
  });

  it("turns readiness off the moment shutdown begins, before the work stops", async () => {
    const closing = h.service.close();
    expect(await probe("/readyz")).toMatchObject({ status: 503, body: { status: "stopping" } });
    await closing;
    expect((await probe("/healthz")).status).toBe(200);
  });
});
