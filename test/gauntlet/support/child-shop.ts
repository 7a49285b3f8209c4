import { type ChildProcess, fork } from "node:child_process";
import { resolve } from "node:path";

/** The demo shop in its own process: killed for real, measured from outside, its log lines counted. */
export interface ChildShop {
  url: string;
  process: ChildProcess;
  logLines(): number;
  memory(): Promise<{ rss: number; heap: number }>;
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** SIGTERM, as an orchestrator stops an instance; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

export const CHILD_KEYS = {
  publicKey: "pk_sbox_gauntletgauntletgauntletgaunt",
  secretKey: "sk_sbox_gauntletgauntletgauntletgaunt",
  signatureKey: "whsec_gauntlet_signature_key",
};

/** Children still running when this process ends (a failed or timed-out test) die with it. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface ChildShopOptions {
  fullWhileExists?: string;
  /** Checkout.com for this shop (the sandbox's URL); by default none is reachable. */
  apiUrl?: string;
  keys?: { publicKey: string; secretKey: string; signatureKey: string };
  worker?: { leaseMs?: number; instanceId?: string; pollMs?: number };
  velocity?: { perCart: number; perClient: number; windowMs: number };
  outbox?: {
    leaseMs?: number;
    retryScheduleMs?: number[];
    pollMs?: number;
    timeoutMs?: number;
    instanceId?: string;
  };
  /** More environment for the shop (HANDOFF_DESTINATIONS…). */
  env?: Record<string, string>;
  /** Listen here (a restarted instance comes back where the balancer looks); default a free port. */
  port?: number;
}

export async function startChildShop(
  databaseUrl: string,
  options: ChildShopOptions = {},
): Promise<ChildShop> {
  const env = {
    DATABASE_URL: databaseUrl,
    // By default no processor is reachable: ingest and the store are what is under test.
    CKO_API_URL: options.apiUrl ?? "http://127.0.0.1:9",
    LOG_LEVEL: "info",
    ...options.env,
  };
  const { keys = CHILD_KEYS, apiUrl: _, env: __, ...rest } = options;
  const child = fork(
    resolve(import.meta.dirname, "shop-child.ts"),
    [JSON.stringify({ env, keys, ...rest })],
    {
      execArgv: ["--conditions=@handoff/source", "--import", "tsx", "--expose-gc"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  running.add(child);
  if (process.env.GAUNTLET_DEBUG)
    child.once("exit", (code, signal) => console.error("shop child exit", code, signal));
  child.once("exit", () => running.delete(child));
  let lines = 0;
  child.stdout?.on("data", (chunk: Buffer) => {
    lines += chunk.toString().split("\n").length - 1;
  });
  child.stderr?.on("data", () => undefined);
  if (process.env.GAUNTLET_DEBUG) {
    child.stdout?.pipe(process.stderr);
    child.stderr?.pipe(process.stderr);
  }
  const answer = (type: string) =>
    new Promise<Record<string, unknown>>((done, fail) => {
      const onMessage = (message: { type?: string }) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        done(message as Record<string, unknown>);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => fail(new Error(`shop child exited (${code}) before ${type}`)));
    });
  const ready = await answer("ready");
  const exitCode = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const exited = exitCode.then(() => undefined);
  return {
    url: String(ready.url),
    process: child,
    logLines: () => lines,
    async memory() {
      const reply = answer("memory");
      child.send({ type: "memory" });
      const m = await reply;
      return { rss: Number(m.rss), heap: Number(m.heap) };
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.send({ type: "stop" });
      await exited;
    },
    terminate() {
      child.kill("SIGTERM");
      return exitCode;
    },
  };
}
