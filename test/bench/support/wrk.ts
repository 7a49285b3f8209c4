import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Blast } from "./ingest.js";

const run = promisify(execFile);

/**
 * wrk's per-thread Lua: each thread takes its own stride of the pre-signed requests (thread i
 * sends lines i, i+T, i+2T…), so no event is sent twice; `done` prints the totals as JSON.
 */
const SCRIPT = `
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  -- Each thread formats its own stride of requests once, here, and then stops Lua's collector:
  -- request() only hands back a string already made, so a run creates no garbage to collect,
  -- and no collector pause shows up as server latency.
  local step = tonumber(args[2])
  requests = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % step == id then
      local tab = line:find("\\t")
      requests[#requests + 1] = wrk.format("POST", nil, { ["content-type"] = "application/json", ["cko-signature"] = line:sub(1, tab - 1) }, line:sub(tab + 1))
    end
    n = n + 1
  end
  index = 1
  sent = 0
  collectgarbage("collect")
  collectgarbage("stop")
end
function request()
  local r = requests[index]
  if r == nil then
    wrk.thread:stop()
    return wrk.format("GET", "/", nil, nil)
  end
  index = index + 1
  sent = sent + 1
  return r
end
function done(summary, latency, requests)
  local sent = 0
  for _, t in ipairs(threads) do sent = sent + t:get("sent") end
  local e = summary.errors
  io.write(string.format('WRK_JSON {"requests":%d,"sent":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p99_us":%d,"duration_us":%d}\\n',
    summary.requests, sent, e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(99.0), summary.duration))
end
`;

/** Whether cores can be given out (taskset, and two of them): the pinned ingest figures need it. */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Sends pre-signed events with wrk for `seconds` (or until they run out), `connections` over two
 * threads (or on the one core `cpu`, with one thread). Returns what it acknowledged: completed
 * requests without an error status.
 */
export async function wrkBlast(
  url: string,
  events: Array<{ body: string; signature: string }>,
  options: { connections: number; seconds: number; threads?: number; cpu?: number },
): Promise<Blast & { rate: number }> {
  const threads = options.threads ?? (options.cpu === undefined ? 2 : 1);
  const dir = await mkdtemp(join(tmpdir(), "handoff-wrk-"));
  try {
    const lines = join(dir, "events.tsv");
    const script = join(dir, "rotate.lua");
    await writeFile(lines, events.map((e) => `${e.signature}\t${e.body}`).join("\n"));
    await writeFile(script, SCRIPT);
    const wrkArgs = [
      `-t${threads}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--timeout",
      "5s",
      "-s",
      script,
      url,
      "--",
      lines,
      String(threads),
    ];
    const { stdout } = await run(
      options.cpu === undefined ? "wrk" : "taskset",
      options.cpu === undefined ? wrkArgs : ["-c", String(options.cpu), "wrk", ...wrkArgs],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const json = /WRK_JSON (\{.*\})/.exec(stdout)?.[1];
    if (!json) throw new Error(`wrk printed no summary:\n${stdout}`);
    const s = JSON.parse(json) as Record<string, number>;
    const failures = (s.status ?? 0) + (s.connect ?? 0) + (s.read ?? 0) + (s.write ?? 0) + (s.timeout ?? 0);
    const acked = (s.requests ?? 0) - (s.status ?? 0);
    return {
      sent: s.sent ?? 0,
      acked,
      failures,
      p99: (s.p99_us ?? 0) / 1000,
      rate: acked / ((s.duration_us ?? 1) / 1e6),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
