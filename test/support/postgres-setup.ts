import type { TestProject } from "vitest/node";
import { startPostgres } from "../../scripts/postgres.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** The private PostgreSQL server's admin URL; tests make a database each from it. */
    postgresUrl: string;
  }
}

/** One private PostgreSQL for the whole run (fsync off: nothing here needs to survive a power cut). */
export default async function setup(project: TestProject) {
  const server = await startPostgres({ durable: false });
  project.provide("postgresUrl", server.url);
  return () => server.stop();
}
