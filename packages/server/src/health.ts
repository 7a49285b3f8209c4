import type { SqlClient } from "./db/sql-client.js";
import type { ApiReply } from "./reply.js";

/** Where an instance is in its life: a load balancer sends traffic only to `serving`. */
export type Lifecycle = "starting" | "serving" | "stopping";

export interface HealthOptions {
  db: SqlClient;
  /** Whether the background work (webhook worker, outbox, sweep) is running. */
  background: () => boolean;
  /** How long the database may take to answer before the instance counts as not ready. Default 2 s. */
  databaseTimeoutMs?: number;
}

/**
 * `/healthz` (the process answers) and `/readyz` (the database answers, migrations ran, background
 * work runs, and the instance is neither starting nor shutting down). Readiness is computed on each
 * probe, so an instance whose database went away says so at the next probe.
 */
export class Health {
  private state: Lifecycle = "starting";

  constructor(private readonly options: HealthOptions) {}

  /** Migrations ran and background work started: traffic may come. */
  serving(): void {
    this.state = "serving";
  }

  /** Shutdown begins: readiness turns off first, so the balancer stops sending before we stop answering. */
  stopping(): void {
    this.state = "stopping";
  }

  get lifecycle(): Lifecycle {
    return this.state;
  }

  live(): ApiReply {
    return { status: 200, body: { status: "alive" }, headers: { "cache-control": "no-store" } };
  }

  async ready(): Promise<ApiReply> {
    const database = await this.database();
    const background = this.options.background() ? "running" : "stopped";
    const ok = this.state === "serving" && database === "ok" && background === "running";
    return {
      status: ok ? 200 : 503,
      body: {
        status: ok ? "ready" : this.state === "serving" ? "unavailable" : this.state,
        database,
        background,
      },
      headers: { "cache-control": "no-store", ...(ok ? {} : { "retry-after": "5" }) },
    };
  }

  private async database(): Promise<"ok" | "unreachable"> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"unreachable">((resolve) => {
      timer = setTimeout(() => resolve("unreachable"), this.options.databaseTimeoutMs ?? 2000);
    });
    const ping = this.options.db.execute("SELECT 1 AS ok").then(
      () => "ok" as const,
      () => "unreachable" as const,
    );
    try {
      return await Promise.race([ping, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The reply while an instance is not ready to answer a route yet. */
export function startingReply(): ApiReply {
  return {
    status: 503,
    body: {
      error: "STORE_UNAVAILABLE",
      message: "Starting up. Please try again in a moment.",
      retryable: true,
    },
    headers: { "retry-after": "1" },
  };
}
