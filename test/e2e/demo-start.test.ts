import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";

/**
 * `pnpm start` as a person runs it: the shop, the ops console and the sandbox over a data folder,
 * stopped with Ctrl-C and started again. Run from source (tsx, @handoff/source), so no build is needed.
 */
const root = resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: string;
  url: string;
  password: string;
}

async function start(dataDir: string): Promise<Started> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ["--conditions=@handoff/source", "--import", "tsx", "scripts/start.ts"],
    {
      cwd: root,
      // Only what the demo needs: nothing from the developer's own settings changes what it keeps.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATABASE_URL: `file:${join(dataDir, "shop.db")}`,
        PORT: String(port),
        HANDOFF_SANDBOX_PORT: String(sandboxPort),
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  await new Promise<void>((ready, failed) => {
    const timer = setTimeout(() => failed(new Error(`not started in 60 s:\n${output}`)), 60_000);
    const check = () => {
      if (!output.includes("Ctrl-C stops everything.")) return;
      clearTimeout(timer);
      ready();
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      failed(new Error(`pnpm start exited with ${code}:\n${output}`));
    });
  });
  const password = /name admin, password (\S+);/.exec(output)?.[1] ?? "";
  const url = /ops\s+(http:\/\/\S+)\/ops/.exec(output)?.[1] ?? "";
  return { child, output, url, password };
}

/** Ctrl-C, and wait until everything has let go of the data folder. */
async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = new Promise((done) => started.child.once("exit", done));
  started.child.kill("SIGINT");
  await exited;
}

async function signIn(url: string, password: string): Promise<number> {
  const response = await fetch(`${url}/ops/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ name: "admin", password }),
  });
  return response.status;
}

describe("pnpm start", () => {
  it("keeps the demo's ops password beside the shop's database: a restart prints and accepts the same one", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "handoff-start-"));
    dirs.push(dataDir);
    const first = await start(dataDir);
    let second: Started | undefined;
    try {
      expect(first.password).toMatch(/^[\w-]{16}$/);
      expect(await signIn(first.url, first.password)).toBe(303);
      await stop(first);
      // Kept with the data: the database, the sandbox's state and the password, side by side.
      expect((await readdir(dataDir)).sort()).toEqual(
        expect.arrayContaining(["ops-password", "sandbox-state.json", "shop.db"]),
      );
      second = await start(dataDir);
      expect(second.password).toBe(first.password);
      expect(await signIn(second.url, first.password)).toBe(303);
    } finally {
      await stop(first);
      if (second) await stop(second);
    }
  }, 120_000);
});
