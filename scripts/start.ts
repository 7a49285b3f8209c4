/**
 * `pnpm start`: the whole shop in one command. Local mode (the default) starts the offline
 * Checkout.com sandbox with its webhooks pointed at the shop and the keys shared by the two; with
 * CKO_ENVIRONMENT=sandbox or production and real keys, the same shop talks to Checkout.com.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type RunningShop, startShop } from "@handoff/demo-shop";
import { loadOperatorsFile, type Operator } from "@handoff/ops";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { ConfigError, describeDatabaseUrl, loadConfig } from "@handoff/server";

const env = process.env;
/** `pnpm start -- --memory`: nothing kept between starts (the sandbox forgets, a new ops password each time). */
const memory = process.argv.includes("--memory");

/** A file beside the shop's SQLite database (in `.data/` for PostgreSQL); none for `:memory:` or `--memory`. */
function besideDatabase(databaseUrl: string, name: string): string | undefined {
  if (memory) return undefined;
  if (/^postgres(ql)?:/.test(databaseUrl)) return join(".data", name);
  const path = databaseUrl.replace(/^file:/, "").split("?")[0];
  return !path || path === ":memory:" ? undefined : join(dirname(path), name);
}

/** The demo's ops password, made up once and kept beside the database so a restart does not change it. */
function keptOpsToken(path: string | undefined): string {
  if (!path) return randomBytes(18).toString("base64url");
  try {
    const kept = readFileSync(path, "utf8").trim();
    if (kept) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const token = randomBytes(18).toString("base64url");
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return token;
}
let sandbox: Sandbox | undefined;
let shop: RunningShop | undefined;

async function main(): Promise<void> {
  const local = (env.CKO_ENVIRONMENT ?? "local") === "local";
  // Validate everything first, with placeholder local keys, so a bad setting stops us before anything listens.
  const probe = loadConfig(
    env,
    local ? { publicKey: "pk_sbox_x", secretKey: "sk_sbox_x", signatureKey: "x" } : undefined,
  );
  const stateFile = besideDatabase(probe.databaseUrl, "sandbox-state.json");
  if (local) {
    sandbox = createSandbox({
      // Payments, disputes, settlements and the generated keys survive a restart.
      ...(stateFile ? { stateFile } : {}),
      webhookUrls: [`http://127.0.0.1:${probe.port}/webhooks/checkoutdotcom`],
      ...(env.CKO_PUBLIC_KEY ? { publicKey: env.CKO_PUBLIC_KEY } : {}),
      ...(env.CKO_SECRET_KEY ? { secretKey: env.CKO_SECRET_KEY } : {}),
      ...(env.CKO_WEBHOOK_SIGNATURE_KEY ? { signatureKey: env.CKO_WEBHOOK_SIGNATURE_KEY.split(",")[0] } : {}),
      ...(env.CKO_WEBHOOK_AUTHORIZATION_KEY ? { authorizationKey: env.CKO_WEBHOOK_AUTHORIZATION_KEY } : {}),
    });
    try {
      await sandbox.listen(probe.sandboxPort);
    } catch (error) {
      throw new ConfigError(
        "HANDOFF_SANDBOX_PORT",
        `port ${probe.sandboxPort} is not free (${(error as Error).message})`,
      );
    }
  }
  const config = loadConfig(env, sandbox?.keys);
  const opsToken = env.HANDOFF_OPS_TOKEN ?? keptOpsToken(besideDatabase(config.databaseUrl, "ops-password"));
  let operators: Operator[] | undefined;
  if (env.HANDOFF_OPERATORS) {
    try {
      operators = await loadOperatorsFile(env.HANDOFF_OPERATORS);
    } catch (error) {
      throw new ConfigError("HANDOFF_OPERATORS", (error as Error).message);
    }
  }
  try {
    shop = await startShop({
      config,
      opsToken,
      ...(operators ? { operators } : {}),
      logLevel: env.LOG_LEVEL ?? "info",
    });
  } catch (error) {
    if ((error as { code?: string }).code === "EADDRINUSE")
      throw new ConfigError("PORT", `port ${config.port} is not free`);
    throw error;
  }
  const lines = [
    "",
    "Handoff demo is running",
    `  shop         ${shop.url}/`,
    `  React shop   ${shop.url}/react/`,
    // A token the operator supplied is theirs to know: print only one we made up.
    operators
      ? `  ops          ${shop.url}/ops   (operators from HANDOFF_OPERATORS)`
      : `  ops          ${shop.url}/ops   (name admin, password ${env.HANDOFF_OPS_TOKEN ? "from HANDOFF_OPS_TOKEN" : opsToken}; the same as the API's bearer token)`,
    sandbox
      ? `  sandbox      ${sandbox.url}   (offline Checkout.com, webhooks → ${shop.url}/webhooks/checkoutdotcom${stateFile ? `; state kept in ${stateFile}` : ""})`
      : `  Checkout.com ${config.apiUrl} (${config.environment})`,
    `  database     ${describeDatabaseUrl(config.databaseUrl)}`,
    "",
    "Test cards (any future expiry, any CVC):",
    "  4242 4242 4242 4242  approved",
    "  4544 2491 6767 3670  declined: insufficient funds",
    "  4539 2536 5571 1767  declined: stolen card (shown as 'can't be used')",
    "  4010 0617 0000 0021  3-D Secure challenge (password Checkout1!)",
    "  4000 0000 0000 0101  approved, flagged for review",
    "",
    "Ctrl-C stops everything.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

async function stop(code: number): Promise<never> {
  await shop?.close().catch(() => undefined);
  await sandbox?.close().catch(() => undefined);
  process.exit(code);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
main().catch((error: unknown) => {
  // Bad configuration: every problem, one line each naming its variable, nothing else.
  if (error instanceof ConfigError && error.problems.length > 1) {
    const lines = error.problems.map((p) => `  ${p.variable}: ${p.problem}\n`);
    process.stderr.write(`Cannot start: ${error.problems.length} settings to fix\n${lines.join("")}`);
  } else if (error instanceof ConfigError) process.stderr.write(`Cannot start: ${error.message}\n`);
  else process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  void stop(1);
});
