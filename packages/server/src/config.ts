import { environmentSchema, type HandoffEnvironment, processingChannelIdSchema } from "@handoff/contracts";

/** A setting is missing or wrong: start-up stops with one line naming the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

export interface ServerConfig {
  environment: HandoffEnvironment;
  publicKey: string;
  secretKey: string;
  apiUrl: string;
  /** `none`: the account's keys are bound to one channel and payments need none. */
  processingChannels: { default?: string; byCurrency: Record<string, string>; none?: boolean };
  /** OAuth access key instead of a secret key; tokens come from `accessUrl`. */
  oauth?: { clientId: string; clientSecret: string; accessUrl: string };
  webhookSignatureKeys: string[];
  webhookAuthorizationKey?: string;
  databaseUrl: string;
  publicUrl: string;
  port: number;
  sandboxPort: number;
  /** HANDOFF_DESTINATIONS: a JSON file of destinations for order events (read by `loadDestinationsFile`). */
  destinationsFile?: string;
}

const API_URLS = {
  sandbox: "https://api.sandbox.checkout.com",
  production: "https://api.checkout.com",
} as const;

/** The merchant-specific host (`{prefix}.api[.sandbox].checkout.com`) when a prefix is given. */
function merchantApiUrl(environment: "sandbox" | "production", prefix: string | undefined): string {
  if (prefix === undefined || prefix === "") return API_URLS[environment];
  if (!/^[a-z0-9]{4,32}$/.test(prefix)) {
    throw new ConfigError(
      "CKO_MERCHANT_SUBDOMAIN",
      `must be your account's API prefix (letters and digits, from the Dashboard), got "${prefix}"`,
    );
  }
  return environment === "sandbox"
    ? `https://${prefix}.api.sandbox.checkout.com`
    : `https://${prefix}.api.checkout.com`;
}

const ACCESS_URLS = {
  sandbox: "https://access.sandbox.checkout.com/connect/token",
  production: "https://access.checkout.com/connect/token",
} as const;

/** `CKO_CLIENT_ID` + `CKO_CLIENT_SECRET`, both or neither; `CKO_ACCESS_URL` overrides the token endpoint. */
function oauthOf(env: NodeJS.ProcessEnv, environment: HandoffEnvironment): ServerConfig["oauth"] {
  const id = env.CKO_CLIENT_ID;
  const secret = env.CKO_CLIENT_SECRET;
  if (!id && !secret) return undefined;
  if (!id)
    throw new ConfigError("CKO_CLIENT_ID", "is required with CKO_CLIENT_SECRET (the access key id, ack_…)");
  if (!secret)
    throw new ConfigError("CKO_CLIENT_SECRET", "is required with CKO_CLIENT_ID (the access key secret)");
  if (!id.startsWith("ack_"))
    throw new ConfigError("CKO_CLIENT_ID", `must be an access key id (ack_…), got "${id.slice(0, 8)}…"`);
  const prefix = env.CKO_MERCHANT_SUBDOMAIN;
  const fallback =
    environment === "local"
      ? `${(env.CKO_API_URL ?? "http://127.0.0.1:3100").replace(/\/$/, "")}/connect/token`
      : prefix
        ? ACCESS_URLS[environment].replace("https://access.", `https://${prefix}.access.`)
        : ACCESS_URLS[environment];
  return {
    clientId: id,
    clientSecret: secret,
    accessUrl: url("CKO_ACCESS_URL", env.CKO_ACCESS_URL ?? fallback),
  };
}

function url(variable: string, value: string): string {
  if (value === "") throw new ConfigError(variable, "is required outside local mode");
  if (!URL.canParse(value)) throw new ConfigError(variable, `"${value}" is not a URL`);
  return value.replace(/\/$/, "");
}

function port(variable: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new ConfigError(variable, `must be a port number, got "${value}"`);
  return n;
}

function channels(value: string | undefined): ServerConfig["processingChannels"] {
  const result: ServerConfig["processingChannels"] = { byCurrency: {} };
  if (!value) return result;
  if (value.trim() === "none") return { byCurrency: {}, none: true };
  for (const part of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [currency, id] = part.includes("=") ? part.split("=") : [undefined, part];
    if (!processingChannelIdSchema.safeParse(id).success) {
      throw new ConfigError("CKO_PROCESSING_CHANNEL_ID", `"${id}" is not a pc_ processing channel id`);
    }
    if (currency === undefined) result.default = id;
    else if (/^[A-Z]{3}$/.test(currency)) result.byCurrency[currency] = id as string;
    else
      throw new ConfigError(
        "CKO_PROCESSING_CHANNEL_ID",
        `"${currency}" is not a currency code (use GBP=pc_…,EUR=pc_…)`,
      );
  }
  return result;
}

/** Keys must match the environment: a live key against the sandbox is the classic 401 (pitfall 9). */
function key(
  variable: string,
  value: string | undefined,
  kind: "pk" | "sk",
  environment: HandoffEnvironment,
): string {
  if (!value) throw new ConfigError(variable, `is required when CKO_ENVIRONMENT=${environment}`);
  // Previous (ABC) platform keys: pk_test_/sk_test_, or a UUID after the prefix. Payment sessions
  // (Flow) exist only on the current platform, so such a key fails on the first checkout.
  if (new RegExp(`^${kind}_(test_)?[0-9a-f]{8}-[0-9a-f]{4}-|^${kind}_test_`).test(value)) {
    throw new ConfigError(
      variable,
      `is a key of Checkout.com's previous (ABC) platform; Flow needs a current-platform key (${kind}_sbox_… or ${kind}_…)`,
    );
  }
  const sandboxKey = new RegExp(`^${kind}_sbox_`).test(value);
  if (!value.startsWith(`${kind}_`)) throw new ConfigError(variable, `must start with ${kind}_`);
  if (environment === "production" && sandboxKey)
    throw new ConfigError(variable, "is a sandbox key but CKO_ENVIRONMENT=production");
  if (environment === "sandbox" && !sandboxKey)
    throw new ConfigError(variable, "is a live key but CKO_ENVIRONMENT=sandbox");
  return value;
}

/**
 * Reads the environment (ARCHITECTURE §3). In local mode the embedded sandbox supplies keys, so
 * `local` passes them in; elsewhere they must be set.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  local: { publicKey: string; secretKey: string; signatureKey: string } | undefined = undefined,
): ServerConfig {
  const parsedEnvironment = environmentSchema.safeParse(env.CKO_ENVIRONMENT ?? "local");
  if (!parsedEnvironment.success) {
    throw new ConfigError(
      "CKO_ENVIRONMENT",
      `must be local, sandbox or production, got "${env.CKO_ENVIRONMENT}"`,
    );
  }
  const environment = parsedEnvironment.data;
  const appPort = port("PORT", env.PORT, 3000);
  const sandboxPort = port("HANDOFF_SANDBOX_PORT", env.HANDOFF_SANDBOX_PORT, 3100);
  const isLocal = environment === "local";
  if (isLocal && !local && !(env.CKO_PUBLIC_KEY && env.CKO_SECRET_KEY)) {
    throw new ConfigError(
      "CKO_SECRET_KEY",
      "local mode needs the embedded sandbox's keys or CKO_PUBLIC_KEY and CKO_SECRET_KEY",
    );
  }
  const publicKey = isLocal
    ? (env.CKO_PUBLIC_KEY ?? local?.publicKey ?? "")
    : key("CKO_PUBLIC_KEY", env.CKO_PUBLIC_KEY, "pk", environment);
  const oauth = oauthOf(env, environment);
  // An OAuth access key (client id and secret) stands in for the secret key.
  const secretKey =
    isLocal || oauth
      ? (env.CKO_SECRET_KEY ?? local?.secretKey ?? "")
      : key("CKO_SECRET_KEY", env.CKO_SECRET_KEY, "sk", environment);
  const apiUrl = url(
    "CKO_API_URL",
    env.CKO_API_URL ??
      (isLocal ? `http://127.0.0.1:${sandboxPort}` : merchantApiUrl(environment, env.CKO_MERCHANT_SUBDOMAIN)),
  );
  const signatureKeys = (env.CKO_WEBHOOK_SIGNATURE_KEY ?? local?.signatureKey ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!isLocal && signatureKeys.length === 0) {
    throw new ConfigError(
      "CKO_WEBHOOK_SIGNATURE_KEY",
      "is required: the Signature key of your Checkout.com webhook",
    );
  }
  const databaseUrl = env.DATABASE_URL ?? "file:./.data/handoff.db";
  if (!databaseUrl.startsWith("file:") && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    // Only the scheme: the rest may hold a password.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(databaseUrl)?.[0] ?? "no scheme";
    throw new ConfigError(
      "DATABASE_URL",
      `must be file:… (SQLite) or postgres://… (PostgreSQL), got ${scheme === "no scheme" ? scheme : `a ${scheme} URL`}`,
    );
  }
  const processingChannels = channels(env.CKO_PROCESSING_CHANNEL_ID);
  if (
    !isLocal &&
    !processingChannels.none &&
    !processingChannels.default &&
    Object.keys(processingChannels.byCurrency).length === 0
  ) {
    throw new ConfigError(
      "CKO_PROCESSING_CHANNEL_ID",
      "is required outside local mode (pc_…, or GBP=pc_…,EUR=pc_…); set it to none if your account needs none",
    );
  }
  // Checkout.com sends challenged shoppers back here: it must be this shop's public https address.
  const publicUrl = url("PUBLIC_URL", env.PUBLIC_URL ?? (isLocal ? `http://127.0.0.1:${appPort}` : ""));
  if (!isLocal && !publicUrl.startsWith("https://")) {
    throw new ConfigError(
      "PUBLIC_URL",
      `must be the shop's public https:// address outside local mode, got "${publicUrl}"`,
    );
  }
  return {
    environment,
    publicKey,
    secretKey,
    apiUrl,
    processingChannels,
    ...(oauth ? { oauth } : {}),
    webhookSignatureKeys: signatureKeys,
    ...(env.CKO_WEBHOOK_AUTHORIZATION_KEY
      ? { webhookAuthorizationKey: env.CKO_WEBHOOK_AUTHORIZATION_KEY }
      : {}),
    databaseUrl,
    publicUrl,
    port: appPort,
    sandboxPort,
    ...(env.HANDOFF_DESTINATIONS ? { destinationsFile: env.HANDOFF_DESTINATIONS } : {}),
  };
}

export function processingChannelFor(config: Pick<ServerConfig, "processingChannels">) {
  return (currency: string) =>
    config.processingChannels.byCurrency[currency] ?? config.processingChannels.default;
}

/** A database URL fit for a log line or a banner: the password replaced. */
export function describeDatabaseUrl(url: string): string {
  if (!/^postgres(ql)?:/.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}
