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

export async function startChildShop(
  databaseUrl: string,
  options: { fullWhileExists?: string } = {},
): Promise<ChildShop> {
  const env = {
    DATABASE_URL: databaseUrl,
    // No processor is reachable: ingest and the store are what is under test.
    CKO_API_URL: "http://127.0.0.1:9",
    LOG_LEVEL: "info",
  };
  const child = fork(
    resolve(import.meta.dirname, "shop-child.ts"),
    [JSON.stringify({ env, keys: CHILD_KEYS, ...options })],
    {
      execArgv: ["--conditions=@handoff/source", "--import", "tsx"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  running.add(child);
  child.once("exit", () => running.delete(child));
  let lines = 0;
  child.stdout?.on("data", (chunk: Buffer) => {
    lines += chunk.toString().split("\n").length - 1;
  });
  child.stderr?.on("data", () => undefined);
  if (process.env.GAUNTLET_DEBUG) child.stdout?.pipe(process.stderr);
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
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
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
  };
}
