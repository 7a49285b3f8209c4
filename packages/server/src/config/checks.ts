import { type HandoffEnvironment, processingChannelIdSchema } from "@handoff/contracts";
import type { ServerConfig } from "../config.js";
import type { ConfigProblems } from "./error.js";
import type { ConfigVariableName, EnvRead } from "./variables.js";

/*
 * The checks behind `loadConfig`. Each records what is wrong in `problems` and returns a
 * placeholder, so the other variables are still checked; `loadConfig` throws before a placeholder
 * can be used. `environment` is undefined when CKO_ENVIRONMENT itself is wrong: then only what
 * does not depend on it is checked.
 */

const API_URLS = {
  sandbox: "https://api.sandbox.checkout.com",
  production: "https://api.checkout.com",
} as const;

const ACCESS_URLS = {
  sandbox: "https://access.sandbox.checkout.com/connect/token",
  production: "https://access.checkout.com/connect/token",
} as const;

/** The merchant-specific host (`{prefix}.api[.sandbox].checkout.com`) when a prefix is given. */
export function merchantApiUrl(
  problems: ConfigProblems,
  environment: "sandbox" | "production",
  prefix: string | undefined,
): string {
  if (prefix === undefined) return API_URLS[environment];
  if (!/^[a-z0-9]{4,32}$/.test(prefix)) {
    return (
      problems.add(
        "CKO_MERCHANT_SUBDOMAIN",
        `must be your account's API prefix (letters and digits, from the Dashboard), got "${prefix}"`,
      ) ?? API_URLS[environment]
    );
  }
  return environment === "sandbox"
    ? `https://${prefix}.api.sandbox.checkout.com`
    : `https://${prefix}.api.checkout.com`;
}

/** `CKO_CLIENT_ID` + `CKO_CLIENT_SECRET`, both or neither; `CKO_ACCESS_URL` overrides the token endpoint. */
export function oauthOf(
  problems: ConfigProblems,
  read: EnvRead,
  environment: HandoffEnvironment | undefined,
): ServerConfig["oauth"] {
  const id = read("CKO_CLIENT_ID");
  const secret = read("CKO_CLIENT_SECRET");
  if (!id && !secret) return undefined;
  if (!id)
    return problems.add("CKO_CLIENT_ID", "is required with CKO_CLIENT_SECRET (the access key id, ack_…)");
  if (!secret)
    return problems.add("CKO_CLIENT_SECRET", "is required with CKO_CLIENT_ID (the access key secret)");
  if (!id.startsWith("ack_"))
    return problems.add("CKO_CLIENT_ID", `must be an access key id (ack_…), got "${id.slice(0, 8)}…"`);
  const prefix = read("CKO_MERCHANT_SUBDOMAIN");
  const remote = environment === "sandbox" ? "sandbox" : "production";
  const fallback =
    environment === "local"
      ? `${(read("CKO_API_URL") ?? "http://127.0.0.1:3100").replace(/\/$/, "")}/connect/token`
      : prefix
        ? ACCESS_URLS[remote].replace("https://access.", `https://${prefix}.access.`)
        : ACCESS_URLS[remote];
  return {
    clientId: id,
    clientSecret: secret,
    accessUrl: url(problems, "CKO_ACCESS_URL", read("CKO_ACCESS_URL") ?? fallback),
  };
}

export function url(problems: ConfigProblems, variable: ConfigVariableName, value: string): string {
  if (value === "") return problems.add(variable, "is required outside local mode") ?? "";
  if (!URL.canParse(value)) return problems.add(variable, `"${value}" is not a URL`) ?? "";
  return value.replace(/\/$/, "");
}

/** A port, or 0 when the value is not one. */
export function port(problems: ConfigProblems, variable: ConfigVariableName, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    return problems.add(variable, `must be a port number, got "${value}"`) ?? 0;
  return n;
}

export function channels(
  problems: ConfigProblems,
  value: string | undefined,
): ServerConfig["processingChannels"] {
  const result: ServerConfig["processingChannels"] = { byCurrency: {} };
  if (!value) return result;
  if (value.trim() === "none") return { byCurrency: {}, none: true };
  for (const part of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [currency, id] = part.includes("=") ? part.split("=") : [undefined, part];
    if (!processingChannelIdSchema.safeParse(id).success) {
      problems.add("CKO_PROCESSING_CHANNEL_ID", `"${id}" is not a pc_ processing channel id`);
    } else if (currency === undefined) result.default = id;
    else if (/^[A-Z]{3}$/.test(currency)) result.byCurrency[currency] = id as string;
    else
      problems.add(
        "CKO_PROCESSING_CHANNEL_ID",
        `"${currency}" is not a currency code (use GBP=pc_…,EUR=pc_…)`,
      );
  }
  return result;
}

/**
 * Keys must match the environment: a live key against the sandbox is the classic 401 (pitfall 9).
 * Without a valid environment only the key's own form is checked.
 */
export function key(
  problems: ConfigProblems,
  variable: ConfigVariableName,
  value: string | undefined,
  kind: "pk" | "sk",
  environment: HandoffEnvironment | undefined,
): string {
  if (!value) {
    if (environment) problems.add(variable, `is required when CKO_ENVIRONMENT=${environment}`);
    return "";
  }
  // Previous (ABC) platform keys: pk_test_/sk_test_, or a UUID after the prefix. Payment sessions
  // (Flow) exist only on the current platform, so such a key fails on the first checkout.
  if (new RegExp(`^${kind}_(test_)?[0-9a-f]{8}-[0-9a-f]{4}-|^${kind}_test_`).test(value)) {
    return (
      problems.add(
        variable,
        `is a key of Checkout.com's previous (ABC) platform; Flow needs a current-platform key (${kind}_sbox_… or ${kind}_…)`,
      ) ?? ""
    );
  }
  const sandboxKey = new RegExp(`^${kind}_sbox_`).test(value);
  if (!value.startsWith(`${kind}_`)) return problems.add(variable, `must start with ${kind}_`) ?? "";
  if (environment === "production" && sandboxKey)
    return problems.add(variable, "is a sandbox key but CKO_ENVIRONMENT=production") ?? "";
  if (environment === "sandbox" && !sandboxKey)
    return problems.add(variable, "is a live key but CKO_ENVIRONMENT=sandbox") ?? "";
  return value;
}

export function databaseUrl(problems: ConfigProblems, value: string): string {
  if (value.startsWith("file:") || /^postgres(ql)?:\/\/./.test(value)) return value;
  // Only the scheme: the rest may hold a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(value)?.[0] ?? "no scheme";
  return (
    problems.add(
      "DATABASE_URL",
      `must be file:… (SQLite) or postgres://… (PostgreSQL), got ${scheme === "no scheme" ? scheme : `a ${scheme} URL`}`,
    ) ?? ""
  );
}

/** Goes into SQL unquoted (`search_path`, `CREATE SCHEMA`), so only a plain identifier will do. */
export function databaseSchema(problems: ConfigProblems, value: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value)) {
    return (
      problems.add(
        "HANDOFF_DATABASE_SCHEMA",
        `must be a plain PostgreSQL name (lower-case letters, digits and _, not starting with a digit, at most 63 characters), got "${value}"`,
      ) ?? ""
    );
  }
  // The same rule as `databaseSchema` in db/url.ts, which the PostgreSQL driver applies.
  if (value.startsWith("pg_") || value === "information_schema") {
    const problem = `"${value}" is PostgreSQL's own (pg_… and information_schema are); choose another name`;
    return problems.add("HANDOFF_DATABASE_SCHEMA", problem) ?? "";
  }
  return value;
}
