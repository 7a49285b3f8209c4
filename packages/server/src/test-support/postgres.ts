import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** The private PostgreSQL server's admin URL (test/support/postgres-setup.ts). */
    postgresUrl: string;
  }
}

/** Which engine the store tests run on: the `postgres` test project sets HANDOFF_TEST_ENGINE. */
export function testEngine(): "sqlite" | "postgres" {
  return process.env.HANDOFF_TEST_ENGINE === "postgres" ? "postgres" : "sqlite";
}

/** A new, empty database on the run's private PostgreSQL server (see test/support/postgres-setup.ts). */
export async function freshPostgresDatabase(): Promise<string> {
  const admin = inject("postgresUrl");
  if (!admin) throw new Error("no PostgreSQL for this run: vitest's globalSetup did not start one");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return admin.replace(/\/[^/]*$/, `/${name}`);
}
