// Runs a command on another Node version, taken from the npm registry (the official binaries are
// published there as node-<platform>-<arch>), so CI can test every supported Node with no other
// download. Cached under ~/.cache/handoff/.
//   node scripts/with-node.mjs 24.21.0 -- npx -y pnpm@10.34.9 test
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const [version, separator, ...command] = process.argv.slice(2);
if (!/^\d+\.\d+\.\d+$/.test(version ?? "") || separator !== "--" || command.length === 0) {
  console.error("usage: node scripts/with-node.mjs <x.y.z> -- <command…>");
  process.exit(2);
}
const name = `node-${process.platform}-${process.arch}`;
const home = join(homedir(), ".cache", "handoff", `${name}-${version}`);
const bin = join(home, "package", "bin");

if (!existsSync(join(bin, "node"))) {
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  console.log(`Fetching ${name}@${version} from the npm registry…`);
  execFileSync("npm", ["pack", `${name}@${version}`, "--silent"], {
    cwd: home,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(home).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack left no tarball in ${home}`);
  execFileSync("tar", ["-xzf", tarball], { cwd: home });
  rmSync(join(home, tarball));
}

const actual = execFileSync(join(bin, "node"), ["--version"]).toString().trim();
if (actual !== `v${version}`) throw new Error(`${join(bin, "node")} is ${actual}, not v${version}`);
console.log(`Running on Node ${actual}: ${command.join(" ")}`);
const result = spawnSync(command[0], command.slice(1), {
  stdio: "inherit",
  env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
});
process.exit(result.status ?? 1);
