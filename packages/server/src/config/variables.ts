/**
 * Every environment variable Handoff reads, in one place: `loadConfig` reads its values (and fixed
 * defaults) through this list, and the README table and `.env.example` are generated from it
 * (`npx tsx scripts/env-docs.ts --write`). Add a variable here first.
 */
export interface EnvVariable {
  readonly name: string;
  /** What it means and what it takes, for a person setting it (Markdown: backticks only). */
  readonly meaning: string;
  /** The value used when it is unset or empty; `loadConfig` takes it from here. */
  readonly default?: string;
  /** When the default depends on other settings, that in words (documentation only). */
  readonly defaultText?: string;
  /** When it must be set, e.g. "outside local mode". */
  readonly required?: string;
  /** A value of the right form; empty for an opaque secret, which has none worth showing. */
  readonly example: string;
  /** A secret is left empty in `.env.example` and never printed. */
  readonly secret: boolean;
  /** `loadConfig` (every server built on `@handoff/server`) or only the demo's `pnpm start`. */
  readonly readBy: "loadConfig" | "pnpm start";
}

export const ENV_VARIABLES = [
  {
    name: "CKO_ENVIRONMENT",
    meaning:
      "`local` runs against the offline sandbox with generated keys; `sandbox` or `production` talks to Checkout.com with your keys.",
    default: "local",
    example: "production",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "CKO_PUBLIC_KEY",
    meaning:
      "Your public key from the Checkout.com Dashboard (`pk_sbox_…` in the sandbox, `pk_…` live); the browser sees it.",
    required: "outside local mode",
    example: "pk_sbox_…",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "CKO_SECRET_KEY",
    meaning:
      "Your secret key (`sk_sbox_…` in the sandbox, `sk_…` live), of the current platform: a previous-platform `sk_test_…` key is refused.",
    required: "outside local mode, unless `CKO_CLIENT_ID` and `CKO_CLIENT_SECRET` are set",
    example: "sk_sbox_…",
    secret: true,
    readBy: "loadConfig",
  },
  {
    name: "CKO_CLIENT_ID",
    meaning:
      "An OAuth access key id (`ack_…`) to use instead of `CKO_SECRET_KEY`; set with `CKO_CLIENT_SECRET`. Its scopes: `gateway`, `payment-sessions`; for settlement also `financial-actions:view`, `reports`, `reports:view`, `balances:view`.",
    example: "ack_…",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "CKO_CLIENT_SECRET",
    meaning: "The secret of the access key `CKO_CLIENT_ID` names.",
    required: "with `CKO_CLIENT_ID`",
    example: "",
    secret: true,
    readBy: "loadConfig",
  },
  {
    name: "CKO_ACCESS_URL",
    meaning: "Where OAuth tokens come from, to override the usual token endpoint; only with `CKO_CLIENT_ID`.",
    defaultText:
      "`https://access[.sandbox].checkout.com/connect/token` (with `CKO_MERCHANT_SUBDOMAIN`, your own host)",
    example: "https://access.sandbox.checkout.com/connect/token",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "CKO_PROCESSING_CHANNEL_ID",
    meaning:
      "The processing channel payments go through: one `pc_…`, one per currency (`GBP=pc_…,EUR=pc_…`), or `none` when your account needs none.",
    required: "outside local mode",
    example: "GBP=pc_…,EUR=pc_…",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "CKO_WEBHOOK_SIGNATURE_KEY",
    meaning:
      "The Signature key of your Checkout.com webhook, which proves a webhook came from Checkout.com; several, comma-separated, while you rotate it.",
    required: "outside local mode",
    example: "",
    secret: true,
    readBy: "loadConfig",
  },
  {
    name: "CKO_WEBHOOK_AUTHORIZATION_KEY",
    meaning:
      "The Authorization header value you gave your webhook in the Dashboard, if any; webhooks without it are refused.",
    example: "",
    secret: true,
    readBy: "loadConfig",
  },
  {
    name: "CKO_MERCHANT_SUBDOMAIN",
    meaning:
      "Your account's API prefix (letters and digits, from the Dashboard), to use your own hosts `{prefix}.api[.sandbox].checkout.com`.",
    example: "1a2b3c4d",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "CKO_API_URL",
    meaning: "Checkout.com's API address, to override the usual one (a proxy, a test double).",
    defaultText:
      "in local mode the offline sandbox; otherwise `https://api[.sandbox].checkout.com` (with `CKO_MERCHANT_SUBDOMAIN`, your own host)",
    example: "https://api.sandbox.checkout.com",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "PUBLIC_URL",
    meaning: "The shop's public https:// address; Checkout.com sends shoppers back here from 3-D Secure.",
    defaultText: "in local mode `http://127.0.0.1:` and `PORT`",
    required: "outside local mode",
    example: "https://shop.example.com",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "DATABASE_URL",
    meaning:
      "`file:…` for SQLite (one process) or `postgres://user:password@host:5432/db` for PostgreSQL (several instances).",
    default: "file:./.data/handoff.db",
    example: "postgres://shop:password@db:5432/shop",
    // It holds the database password.
    secret: true,
    readBy: "loadConfig",
  },
  {
    name: "HANDOFF_DATABASE_SCHEMA",
    meaning:
      "The PostgreSQL schema that holds Handoff's tables: a plain lower-case name (letters, digits, `_`). PostgreSQL only.",
    default: "handoff",
    example: "checkout",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "PORT",
    meaning: "The port the shop listens on.",
    default: "3000",
    example: "8080",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "HANDOFF_SANDBOX_PORT",
    meaning: "The port the offline sandbox listens on in local mode.",
    default: "3100",
    example: "3200",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "HANDOFF_TRUST_PROXY",
    meaning:
      "Which proxies in front of the shop to believe about the client's address (`X-Forwarded-For`), as Express's `trust proxy`: `false` none, `loopback`, a hop count (`1` behind one load balancer), or the proxies' addresses and CIDRs, comma-separated. `true` is refused: any client could claim any address.",
    default: "false",
    example: "10.0.0.0/8,127.0.0.1",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "HANDOFF_DESTINATIONS",
    meaning:
      'A JSON file of destinations for order events (`packages/server/README.md`, "Events to your other systems").',
    example: "./destinations.json",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "HANDOFF_DESTINATIONS_ALLOW",
    meaning:
      "Networks destinations may reach besides the internet: CIDRs, addresses, `loopback`, `linklocal`, `uniquelocal`, `cgnat`, comma-separated. Other addresses that are not public (cloud metadata too) are refused on save and on connect; local mode allows `loopback`.",
    example: "10.20.0.0/16,uniquelocal",
    secret: false,
    readBy: "loadConfig",
  },
  {
    name: "HANDOFF_OPERATORS",
    meaning:
      "A JSON file of named operators (password and token hashes) for the ops console, instead of `admin`.",
    example: "./operators.json",
    secret: false,
    readBy: "pnpm start",
  },
  {
    name: "HANDOFF_OPS_TOKEN",
    meaning:
      "The ops API's bearer token for operator `admin`; when unset, a random one is made and printed. `admin`'s password for the pages is a different value, made and printed at start.",
    example: "",
    secret: true,
    readBy: "pnpm start",
  },
  {
    name: "LOG_LEVEL",
    meaning: "How much the shop logs (pino): `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.",
    default: "info",
    example: "debug",
    secret: false,
    readBy: "pnpm start",
  },
] as const satisfies readonly EnvVariable[];

export type EnvVariableName = (typeof ENV_VARIABLES)[number]["name"];

/** The variables `loadConfig` reads, by name. */
export type ConfigVariableName = Extract<(typeof ENV_VARIABLES)[number], { readBy: "loadConfig" }>["name"];

/** Those that have a fixed default, so reading them always gives a value. */
type DefaultedName = Extract<
  (typeof ENV_VARIABLES)[number],
  { readBy: "loadConfig"; default: string }
>["name"];

export type EnvRead = <N extends ConfigVariableName>(
  name: N,
) => N extends DefaultedName ? string : string | undefined;

/**
 * A reader of `env` that only knows defined variables: an empty value counts as unset (a `.env`
 * line `NAME=` is how a file leaves a variable out), and an unset one takes its fixed default.
 */
export function envReader(env: NodeJS.ProcessEnv): EnvRead {
  return ((name: ConfigVariableName) => {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return value;
    const variable: EnvVariable | undefined = ENV_VARIABLES.find((v) => v.name === name);
    return variable?.default;
  }) as EnvRead;
}
