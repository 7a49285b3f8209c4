import { type ChildProcess, execFileSync, fork } from "node:child_process";

/**
 * Runs a TypeScript module in its own process (its own event loop and core), talking over IPC:
 * `ask(type, payload)` sends a message and resolves with the child's answer of the same type.
 */
export interface Child {
  ready: Record<string, unknown>;
  ask<T = Record<string, unknown>>(type: string, payload?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * `cpu`: the core the child runs on, every thread of it (taskset), so a benchmark can give the
 * server one core and the load generator the other.
 */
export async function forkTs(
  modulePath: string,
  args: string[] = [],
  env: Record<string, string> = {},
  options: { cpu?: number } = {},
): Promise<Child> {
  const child: ChildProcess = fork(modulePath, args, {
    env: { ...process.env, ...env },
    // BENCH_CPU_PROF=<dir> writes each child's CPU profile there, to see where its time goes.
    execArgv: [
      "--conditions=@handoff/source",
      "--import",
      "tsx",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // Before it starts its work; threads it starts later inherit the affinity.
  if (options.cpu !== undefined && child.pid)
    execFileSync("taskset", ["-a", "-p", "-c", String(options.cpu), String(child.pid)], { stdio: "ignore" });
  const next = (type: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`${modulePath} exited with ${code} before answering ${type}`));
      const onMessage = (message: { type?: string }) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message as Record<string, unknown>);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const ready = await next("ready");
  return {
    ready,
    ask: async <T>(type: string, payload: Record<string, unknown> = {}) => {
      const answer = next(type);
      child.send({ type, ...payload });
      return (await answer) as T;
    },
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.send({ type: "stop" });
      await exited;
    },
  };
}
