import { environmentSchema, type HandoffEnvironment } from "@handoff/contracts";
import {
  channels,
  databaseSchema,
  databaseUrl,
  key,
  merchantApiUrl,
  oauthOf,
  port,
  url,
} from "./config/checks.js";
import { parseDestinationsAllow } from "./config/destinations-allow.js";
import { ConfigProblems } from "./config/error.js";
import { parseTrustProxy, type TrustProxy } from "./config/trust-proxy.js";
import { envReader } from "./config/variables.js";

export { ConfigError, type ConfigProblem } from "./config/error.js";
export type { TrustProxy } from "./config/trust-proxy.js";
export { ENV_VARIABLES, type EnvVariable } from "./config/variables.js";

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
  /** HANDOFF_DATABASE_SCHEMA: the PostgreSQL schema of Handoff's tables, a plain identifier. */
  databaseSchema: string;
  publicUrl: string;
  port: number;
  sandboxPort: number;
  /** HANDOFF_TRUST_PROXY: which proxies' `X-Forwarded-For` to believe, as Express's `trust proxy`. */
  trustProxy: TrustProxy;
  /** HANDOFF_DESTINATIONS: a JSON file of destinations for order events (read by `loadDestinationsFile`). */
  destinationsFile?: string;
  /** HANDOFF_DESTINATIONS_ALLOW: networks destinations may reach besides the public internet (CIDRs, names). */
  destinationsAllow?: string[];
}

/**
 * Reads the environment (every variable is in `config/variables.ts` and the README's "Environment
 * variables"). In local mode the embedded sandbox supplies keys, so `local` passes them in;
 * elsewhere they must be set. Everything wrong is thrown at once, as one `ConfigError`.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  local: { publicKey: string; secretKey: string; signatureKey: string } | undefined = undefined,
): ServerConfig {
  const read = envReader(env);
  const problems = new ConfigProblems();
  const parsedEnvironment = environmentSchema.safeParse(read("CKO_ENVIRONMENT"));
  if (!parsedEnvironment.success) {
    problems.add("CKO_ENVIRONMENT", `must be local, sandbox or production, got "${env.CKO_ENVIRONMENT}"`);
  }
  // Undefined when CKO_ENVIRONMENT is wrong: what depends on it is not checked until it is fixed.
  const environment = parsedEnvironment.data;
  const isLocal = environment === "local";
  const remote = environment === "sandbox" || environment === "production" ? environment : undefined;
  const appPort = port(problems, "PORT", read("PORT"));
  const sandboxPort = port(problems, "HANDOFF_SANDBOX_PORT", read("HANDOFF_SANDBOX_PORT"));

  const givenPublicKey = read("CKO_PUBLIC_KEY");
  const givenSecretKey = read("CKO_SECRET_KEY");
  if (isLocal && !local && !(givenPublicKey && givenSecretKey)) {
    problems.add(
      "CKO_SECRET_KEY",
      "local mode needs the embedded sandbox's keys or CKO_PUBLIC_KEY and CKO_SECRET_KEY",
    );
  }
  const publicKey = isLocal
    ? (givenPublicKey ?? local?.publicKey ?? "")
    : key(problems, "CKO_PUBLIC_KEY", givenPublicKey, "pk", environment);
  const oauth = oauthOf(problems, read, environment);
  // An OAuth access key (client id and secret) stands in for the secret key; a half-set one is
  // reported on its own variables rather than as a missing secret key.
  const wantsOauth = Boolean(read("CKO_CLIENT_ID") || read("CKO_CLIENT_SECRET"));
  const secretKey =
    isLocal || wantsOauth
      ? (givenSecretKey ?? local?.secretKey ?? "")
      : key(problems, "CKO_SECRET_KEY", givenSecretKey, "sk", environment);
  const apiUrl = url(
    problems,
    "CKO_API_URL",
    read("CKO_API_URL") ??
      (remote
        ? merchantApiUrl(problems, remote, read("CKO_MERCHANT_SUBDOMAIN"))
        : `http://127.0.0.1:${sandboxPort}`),
  );
  const signatureKeys = (read("CKO_WEBHOOK_SIGNATURE_KEY") ?? local?.signatureKey ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (remote && signatureKeys.length === 0) {
    problems.add("CKO_WEBHOOK_SIGNATURE_KEY", "is required: the Signature key of your Checkout.com webhook");
  }
  const processingChannels = channels(problems, read("CKO_PROCESSING_CHANNEL_ID"));
  if (
    remote &&
    !processingChannels.none &&
    !processingChannels.default &&
    Object.keys(processingChannels.byCurrency).length === 0
  ) {
    problems.add(
      "CKO_PROCESSING_CHANNEL_ID",
      "is required outside local mode (pc_…, or GBP=pc_…,EUR=pc_…); set it to none if your account needs none",
    );
  }
  // Checkout.com sends challenged shoppers back here: it must be this shop's public https address.
  const publicUrl = url(
    problems,
    "PUBLIC_URL",
    read("PUBLIC_URL") ?? (remote ? "" : `http://127.0.0.1:${appPort}`),
  );
  if (remote && publicUrl !== "" && !publicUrl.startsWith("https://")) {
    problems.add(
      "PUBLIC_URL",
      `must be the shop's public https:// address outside local mode, got "${publicUrl}"`,
    );
  }
  const trustProxy = parseTrustProxy(read("HANDOFF_TRUST_PROXY"));
  if ("problem" in trustProxy) problems.add("HANDOFF_TRUST_PROXY", trustProxy.problem);
  const authorizationKey = read("CKO_WEBHOOK_AUTHORIZATION_KEY");
  const destinationsFile = read("HANDOFF_DESTINATIONS");
  const destinationsAllow = parseDestinationsAllow(read("HANDOFF_DESTINATIONS_ALLOW"));
  if ("problem" in destinationsAllow) problems.add("HANDOFF_DESTINATIONS_ALLOW", destinationsAllow.problem);
  const config: ServerConfig = {
    environment: environment ?? "local",
    publicKey,
    secretKey,
    apiUrl,
    processingChannels,
    ...(oauth ? { oauth } : {}),
    webhookSignatureKeys: signatureKeys,
    ...(authorizationKey ? { webhookAuthorizationKey: authorizationKey } : {}),
    databaseUrl: databaseUrl(problems, read("DATABASE_URL")),
    databaseSchema: databaseSchema(problems, read("HANDOFF_DATABASE_SCHEMA")),
    publicUrl,
    port: appPort,
    sandboxPort,
    trustProxy: "trustProxy" in trustProxy ? trustProxy.trustProxy : false,
    ...(destinationsFile ? { destinationsFile } : {}),
    destinationsAllow: "allow" in destinationsAllow ? destinationsAllow.allow : [],
  };
  problems.throwIfAny();
  return config;
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
