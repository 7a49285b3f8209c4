// The ingest benchmark's load generator is Debian's wrk (C, with LuaJIT for rotating pre-signed
// bodies): fast enough that the server, not the generator, is what gets measured. Installs it with
// apt when it is missing and we are root, otherwise says what to run.
import { execFileSync } from "node:child_process";

function found() {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing; only a missing binary is ENOENT.
    return error.code !== "ENOENT";
  }
}

if (!found()) {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    console.error(
      "The benchmarks need wrk. Install it with:  sudo apt-get update && sudo apt-get install -y wrk",
    );
    process.exit(1);
  }
  console.log("wrk is missing: installing Debian's wrk package with apt-get…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "wrk"], { stdio: "inherit", env });
  if (!found()) {
    console.error("apt-get finished but wrk is still missing.");
    process.exit(1);
  }
}
