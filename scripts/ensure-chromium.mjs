// Browser tests drive Debian's Chromium through playwright-core; no browser is ever downloaded.
// Installs it with apt when it is missing and we are root, otherwise says exactly what to do.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);

if (process.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH=${path} does not exist. Point it at a Chromium binary or unset it.`);
  process.exit(1);
}
if (typeof process.getuid !== "function" || process.getuid() !== 0) {
  console.error(
    "Browser tests need Chromium at /usr/bin/chromium.\n" +
      "Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n" +
      "or set CHROMIUM_PATH to an existing Chromium binary.",
  );
  process.exit(1);
}
console.log("Chromium is missing: installing Debian's chromium package with apt-get…");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing.`);
  process.exit(1);
}
