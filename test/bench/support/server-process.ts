import { rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { SqlClient } from "@handoff/server";

/** In a benchmark's server process: on "stop", close the server and the database, delete the temp folder, exit. */
export function exitOnStop(server: Server, db: SqlClient, dir: string): void {
  process.on("message", async (message: { type: string }) => {
    if (message.type !== "stop") return;
    server.closeAllConnections();
    server.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  });
}
