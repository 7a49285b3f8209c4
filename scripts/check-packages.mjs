// Packs every published @handoff/* package as `pnpm publish` would (publishConfig applied, workspace:
// ranges replaced) and checks each tarball with publint (package.json, exports, files) and Are the
// Types Wrong (types resolve for every import a consumer can write). Our packages are ESM only,
// hence the esm-only profile: CommonJS `require` of them is out of scope, not an error. Needs `pnpm build`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Stylesheets are exported for bundlers to pick up; they have no types to check. */
const notCode = (pkg) => {
  const css = Object.keys(pkg.exports ?? {}).filter((entry) => entry.endsWith(".css"));
  return css.length > 0 ? ["--exclude-entrypoints", ...css] : [];
};

const root = resolve(import.meta.dirname, "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const dir = mkdtempSync(join(tmpdir(), "handoff-pack-"));
const failures = [];
try {
  for (const name of readdirSync(join(root, "packages")).sort()) {
    const packageDir = join(root, "packages", name);
    const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    if (pkg.private) continue;
    const out = join(dir, name);
    execFileSync("npx", ["-y", "pnpm@10.34.9", "pack", "--pack-destination", out], {
      cwd: packageDir,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tarball = join(
      out,
      readdirSync(out).find((f) => f.endsWith(".tgz")),
    );
    for (const [tool, args] of [
      ["publint", ["run", tarball, "--strict"]],
      [
        "attw",
        [tarball, "--profile", "esm-only", "--format", "table-flipped", "--no-emoji", ...notCode(pkg)],
      ],
    ]) {
      try {
        const output = execFileSync(bin(tool), args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        console.log(`✓ ${pkg.name}: ${tool}`);
        if (process.env.VERBOSE) console.log(output);
      } catch (error) {
        failures.push(`${pkg.name}: ${tool}`);
        console.error(`✗ ${pkg.name}: ${tool}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`\n${failures.length} package check(s) failed: ${failures.join(", ")}`);
  process.exit(1);
}
