// A private PostgreSQL for tests, benchmarks and trying the shop on PostgreSQL: Debian's server
// (installed with apt when missing and we are root), a fresh cluster in a temporary directory, a free
// loopback port, trust auth for the one local user. Nothing is left behind when it stops.
//
//   node scripts/postgres.mjs                   start, print DATABASE_URL, stop on Ctrl-C
//   node scripts/postgres.mjs -- pnpm start     start, run the command with DATABASE_URL set, stop after it
//   node scripts/postgres.mjs --ensure          only make sure the server is installed (pnpm test's pretest)
//
// Tests import { startPostgres } from this file.
import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/** The newest Debian PostgreSQL's bin directory, installing the server with apt if there is none. */
export function postgresBinDir() {
  const found = () => {
    const root = "/usr/lib/postgresql";
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "postgres")))
      .sort((a, b) => Number(b) - Number(a));
    return versions[0] ? join(root, versions[0], "bin") : undefined;
  };
  const bin = process.env.POSTGRES_BIN ?? found();
  if (bin) return bin;
  if (!isRoot) {
    throw new Error(
      "PostgreSQL is not installed. Install Debian's server with:\n" +
        "  sudo apt-get update && sudo apt-get install -y postgresql\n" +
        "or set POSTGRES_BIN to a directory holding initdb, pg_ctl and postgres.",
    );
  }
  console.error("PostgreSQL is missing: installing Debian's postgresql package with apt-get…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], {
    stdio: "inherit",
    env,
  });
  const installed = found();
  if (!installed) throw new Error("apt-get finished but no /usr/lib/postgresql/*/bin/postgres exists");
  return installed;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root: run its programs as the `postgres` user then. */
function asServerUser(file, args) {
  if (!isRoot) return [file, args];
  let user = "postgres";
  try {
    execFileSync("id", ["-u", user], { stdio: "ignore" });
  } catch {
    user = "nobody";
  }
  return ["runuser", ["-u", user, "--", file, ...args]];
}

function ownTo(dir) {
  if (!isRoot) return;
  const ids = (flag) => {
    for (const user of ["postgres", "nobody"]) {
      try {
        return Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim());
      } catch {}
    }
    return 65534;
  };
  chownSync(dir, ids("-u"), ids("-g"));
}

function run(file, args) {
  const [cmd, argv] = asServerUser(file, args);
  execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
}

/** Stops servers whose owner died without stopping them (a test run killed mid-way). */
function reapOrphans(bin) {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith("handoff-pg-"))) {
    const dir = join(tmpdir(), name);
    let owner;
    try {
      owner = Number(readFileSync(join(dir, "owner.pid"), "utf8"));
    } catch {
      continue;
    }
    try {
      process.kill(owner, 0);
      continue; // still alive: its server is in use
    } catch (error) {
      if (error.code !== "ESRCH") continue;
    }
    try {
      run(join(bin, "pg_ctl"), ["-D", join(dir, "data"), "-m", "immediate", "-w", "stop"]);
    } catch {
      // not running any more
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a private server. `durable: false` turns fsync off (tests: faster, nothing to keep);
 * benchmarks keep the default so a commit costs what it costs in production.
 * Returns { url, port, dir, stop() }.
 */
export async function startPostgres({ durable = true, database = "handoff" } = {}) {
  const bin = postgresBinDir();
  reapOrphans(bin);
  const dir = mkdtempSync(join(tmpdir(), "handoff-pg-"));
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, "owner.pid"), String(process.pid));
  ownTo(dir);
  const data = join(dir, "data");
  const port = await freePort();
  run(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "handoff",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-sync",
    "-A",
    "trust",
  ]);
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c max_connections=200",
    ...(durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ].join(" ");
  run(join(bin, "pg_ctl"), [
    "-D",
    data,
    "-l",
    join(dir, "server.log"),
    "-o",
    settings,
    "-w",
    "-t",
    "60",
    "start",
  ]);
  // The cluster's own `postgres` database exists; make the one the shop uses.
  run(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "handoff", database]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { url: `postgres://handoff@127.0.0.1:${port}/${database}`, port, dir, stop };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === "--ensure") {
  try {
    postgresBinDir();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dash = process.argv.indexOf("--");
  const command = dash >= 0 ? process.argv.slice(dash + 1) : [];
  const pg = await startPostgres();
  const stopAndExit = (code) => {
    pg.stop();
    process.exit(code);
  };
  if (command.length === 0) {
    console.log(`PostgreSQL is running (data in ${pg.dir}). Ctrl-C stops it and deletes the data.`);
    console.log(`DATABASE_URL=${pg.url}`);
    process.on("SIGINT", () => stopAndExit(0));
    process.on("SIGTERM", () => stopAndExit(0));
    setInterval(() => {}, 1 << 30);
  } else {
    console.log(`PostgreSQL on ${pg.url}; running: ${command.join(" ")}`);
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: pg.url },
    });
    // Ctrl-C reaches the child too (same process group); wait for it to finish, then stop the server.
    process.on("SIGINT", () => {});
    process.on("SIGTERM", () => child.kill("SIGTERM"));
    child.on("exit", (code, signal) => stopAndExit(code ?? (signal ? 1 : 0)));
  }
}
