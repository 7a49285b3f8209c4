import { describe, expect, it } from "vitest";
import { ConfigError, ENV_VARIABLES, loadConfig, processingChannelFor } from "./config.js";

const local = { publicKey: "pk_sbox_local", secretKey: "sk_sbox_local", signatureKey: "whsec_local" };
const live = {
  CKO_ENVIRONMENT: "production",
  CKO_PUBLIC_KEY: "pk_aaaaaaaaaaaaaaaaaaaaaaaaaaa",
  CKO_SECRET_KEY: "sk_aaaaaaaaaaaaaaaaaaaaaaaaaaa",
  CKO_WEBHOOK_SIGNATURE_KEY: "sig",
  CKO_PROCESSING_CHANNEL_ID: "pc_q4dbxom5jbgudnjzjpz7j2z6uq",
  PUBLIC_URL: "https://shop.example",
};

function problem(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env, undefined);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return "no error";
}

describe("configuration", () => {
  it("runs locally with the embedded sandbox's keys and nothing set", () => {
    const config = loadConfig({}, local);
    expect(config).toMatchObject({
      environment: "local",
      secretKey: "sk_sbox_local",
      apiUrl: "http://127.0.0.1:3100",
      databaseUrl: "file:./.data/handoff.db",
      publicUrl: "http://127.0.0.1:3000",
      webhookSignatureKeys: ["whsec_local"],
    });
  });

  it("reads processing channels, one or per currency", () => {
    const one = loadConfig({ CKO_PROCESSING_CHANNEL_ID: "pc_q4dbxom5jbgudnjzjpz7j2z6uq" }, local);
    expect(processingChannelFor(one)("EUR")).toBe("pc_q4dbxom5jbgudnjzjpz7j2z6uq");
    const map = loadConfig(
      { CKO_PROCESSING_CHANNEL_ID: "GBP=pc_q4dbxom5jbgudnjzjpz7j2z6uq,EUR=pc_aaaaaaaaaaaaaaaaaaaaaaaaaa" },
      local,
    );
    expect(processingChannelFor(map)("EUR")).toBe("pc_aaaaaaaaaaaaaaaaaaaaaaaaaa");
    expect(processingChannelFor(map)("USD")).toBeUndefined();
  });

  it("names the variable in one line when a setting is wrong", () => {
    expect(problem({ CKO_ENVIRONMENT: "staging" })).toBe(
      'CKO_ENVIRONMENT: must be local, sandbox or production, got "staging"',
    );
    expect(problem({ ...live, CKO_SECRET_KEY: undefined })).toBe(
      "CKO_SECRET_KEY: is required when CKO_ENVIRONMENT=production",
    );
    expect(problem({ ...live, CKO_SECRET_KEY: "sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa" })).toBe(
      "CKO_SECRET_KEY: is a sandbox key but CKO_ENVIRONMENT=production",
    );
    // Both keys are live: each is named, on its own line.
    expect(problem({ ...live, CKO_ENVIRONMENT: "sandbox" })).toBe(
      "CKO_PUBLIC_KEY: is a live key but CKO_ENVIRONMENT=sandbox\nCKO_SECRET_KEY: is a live key but CKO_ENVIRONMENT=sandbox",
    );
    expect(problem({ ...live, CKO_WEBHOOK_SIGNATURE_KEY: "" })).toMatch(
      /^CKO_WEBHOOK_SIGNATURE_KEY: is required/,
    );
    expect(problem({ ...live, PORT: "http" })).toBe('PORT: must be a port number, got "http"');
    expect(problem({ ...live, CKO_PROCESSING_CHANNEL_ID: "GBP=abc" })).toMatch(
      /^CKO_PROCESSING_CHANNEL_ID: "abc" is not/,
    );
    expect(problem({ ...live, DATABASE_URL: "mysql://root:hunter2@db/x" })).toBe(
      "DATABASE_URL: must be file:… (SQLite) or postgres://… (PostgreSQL), got a mysql: URL",
    );
    expect(problem({ ...live, DATABASE_URL: "postgres://shop:pw@db:5432/shop" })).toBe("no error");
    expect(problem({ ...live, PUBLIC_URL: "not a url" })).toBe('PUBLIC_URL: "not a url" is not a URL');
  });

  it("refuses what would fail on first contact with the real Checkout.com, one line each", () => {
    expect(problem({ ...live, PUBLIC_URL: undefined })).toBe("PUBLIC_URL: is required outside local mode");
    expect(problem({ ...live, PUBLIC_URL: "http://127.0.0.1:3000" })).toMatch(
      /^PUBLIC_URL: must be the shop's public https:\/\/ address outside local mode/,
    );
    expect(problem({ ...live, CKO_PROCESSING_CHANNEL_ID: undefined })).toMatch(
      /^CKO_PROCESSING_CHANNEL_ID: is required outside local mode .*set it to none/,
    );
    expect(problem({ ...live, CKO_SECRET_KEY: "sk_test_4296fd52-efba-4a38-b6ce-cf0d93639d8a" })).toMatch(
      /^CKO_SECRET_KEY: is a key of Checkout.com's previous \(ABC\) platform/,
    );
    expect(problem({ ...live, CKO_SECRET_KEY: "sk_4296fd52-efba-4a38-b6ce-cf0d93639d8a" })).toMatch(
      /previous \(ABC\)/,
    );
    expect(problem({ ...live, CKO_MERCHANT_SUBDOMAIN: "not a prefix!" })).toMatch(
      /^CKO_MERCHANT_SUBDOMAIN: must be/,
    );
    for (const message of [
      problem({ ...live, PUBLIC_URL: undefined }),
      problem({ ...live, CKO_PROCESSING_CHANNEL_ID: "" }),
    ]) {
      expect(message.split("\n")).toHaveLength(1);
    }
  });

  it("talks to the merchant-specific host, and takes none for accounts without processing channels", () => {
    expect(loadConfig({ ...live, CKO_MERCHANT_SUBDOMAIN: "1a2b3c4d" }, undefined).apiUrl).toBe(
      "https://1a2b3c4d.api.checkout.com",
    );
    const sandbox = {
      ...live,
      CKO_ENVIRONMENT: "sandbox",
      CKO_PUBLIC_KEY: "pk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa",
      CKO_SECRET_KEY: "sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa",
      CKO_MERCHANT_SUBDOMAIN: "1a2b3c4d",
    };
    expect(loadConfig(sandbox, undefined).apiUrl).toBe("https://1a2b3c4d.api.sandbox.checkout.com");
    expect(loadConfig({ ...sandbox, CKO_API_URL: "http://127.0.0.1:9999" }, undefined).apiUrl).toBe(
      "http://127.0.0.1:9999",
    );
    const none = loadConfig({ ...live, CKO_PROCESSING_CHANNEL_ID: "none" }, undefined);
    expect(processingChannelFor(none)("GBP")).toBeUndefined();
  });

  it("takes an OAuth access key instead of a secret key, both halves or neither", () => {
    const { CKO_SECRET_KEY: _, ...noSecret } = live;
    const oauth = {
      ...noSecret,
      CKO_CLIENT_ID: "ack_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      CKO_CLIENT_SECRET: "s3cret",
    };
    expect(loadConfig(oauth, undefined).oauth).toEqual({
      clientId: "ack_aaaaaaaaaaaaaaaaaaaaaaaaaa",
      clientSecret: "s3cret",
      accessUrl: "https://access.checkout.com/connect/token",
    });
    expect(loadConfig({ ...oauth, CKO_MERCHANT_SUBDOMAIN: "1a2b3c4d" }, undefined).oauth?.accessUrl).toBe(
      "https://1a2b3c4d.access.checkout.com/connect/token",
    );
    expect(problem({ ...noSecret, CKO_CLIENT_ID: "ack_aaaaaaaaaaaaaaaaaaaaaaaaaa" })).toMatch(
      /^CKO_CLIENT_SECRET: is required/,
    );
    expect(problem({ ...noSecret, CKO_CLIENT_ID: "sk_nope", CKO_CLIENT_SECRET: "x" })).toMatch(
      /^CKO_CLIENT_ID: must be an access key id/,
    );
    expect(problem(noSecret)).toBe("CKO_SECRET_KEY: is required when CKO_ENVIRONMENT=production");
  });

  it("lists every problem at once, one line each, in the order of the documentation", () => {
    const bad = { ...live, PUBLIC_URL: "http://shop.example", PORT: "http", CKO_SECRET_KEY: "sk_sbox_x" };
    expect(problem(bad).split("\n")).toEqual([
      "CKO_SECRET_KEY: is a sandbox key but CKO_ENVIRONMENT=production",
      'PUBLIC_URL: must be the shop\'s public https:// address outside local mode, got "http://shop.example"',
      'PORT: must be a port number, got "http"',
    ]);
    try {
      loadConfig(bad, undefined);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const { variable, problems } = error as ConfigError;
      expect(variable).toBe("CKO_SECRET_KEY");
      expect(problems.map((p) => p.variable)).toEqual(["CKO_SECRET_KEY", "PUBLIC_URL", "PORT"]);
    }
    // A production start with nothing set: everything it needs, named together.
    expect(problem({ CKO_ENVIRONMENT: "production" }).split("\n")).toEqual([
      "CKO_PUBLIC_KEY: is required when CKO_ENVIRONMENT=production",
      "CKO_SECRET_KEY: is required when CKO_ENVIRONMENT=production",
      expect.stringMatching(/^CKO_PROCESSING_CHANNEL_ID: is required outside local mode/),
      expect.stringMatching(/^CKO_WEBHOOK_SIGNATURE_KEY: is required/),
      "PUBLIC_URL: is required outside local mode",
    ]);
    // A single problem made by hand (the shop's HANDOFF_DESTINATIONS) still reads as one line.
    expect(new ConfigError("HANDOFF_DESTINATIONS", "no such file").problems).toEqual([
      { variable: "HANDOFF_DESTINATIONS", problem: "no such file" },
    ]);
  });

  it("checks what does not depend on CKO_ENVIRONMENT when that is wrong", () => {
    expect(problem({ CKO_ENVIRONMENT: "staging", DATABASE_URL: "mysql://x", PORT: "0" }).split("\n")).toEqual(
      [
        'CKO_ENVIRONMENT: must be local, sandbox or production, got "staging"',
        "DATABASE_URL: must be file:… (SQLite) or postgres://… (PostgreSQL), got a mysql: URL",
        'PORT: must be a port number, got "0"',
      ],
    );
    // A key's own form is still checked; whether it must be set waits for the environment.
    expect(problem({ CKO_ENVIRONMENT: "staging", CKO_SECRET_KEY: "sk_test_x" })).toMatch(
      /\nCKO_SECRET_KEY: is a key of Checkout.com's previous \(ABC\) platform/,
    );
  });

  it("takes an empty value as unset, as a .env line NAME= means", () => {
    const config = loadConfig(
      { CKO_PUBLIC_KEY: "", CKO_SECRET_KEY: "", CKO_WEBHOOK_SIGNATURE_KEY: " ", DATABASE_URL: "", PORT: "" },
      local,
    );
    expect(config).toMatchObject({
      publicKey: "pk_sbox_local",
      secretKey: "sk_sbox_local",
      webhookSignatureKeys: ["whsec_local"],
      databaseUrl: "file:./.data/handoff.db",
      port: 3000,
    });
  });

  it("reads the database schema: handoff unless a plain name is given", () => {
    expect(loadConfig({}, local).databaseSchema).toBe("handoff");
    expect(loadConfig({ HANDOFF_DATABASE_SCHEMA: "shop_checkout" }, local).databaseSchema).toBe(
      "shop_checkout",
    );
    for (const bad of ["Shop", "1st", "a-b", "handoff; drop table orders", "x".repeat(64)]) {
      expect(problem({ ...live, HANDOFF_DATABASE_SCHEMA: bad })).toMatch(
        /^HANDOFF_DATABASE_SCHEMA: must be a plain PostgreSQL name/,
      );
    }
    for (const reserved of ["pg_handoff", "information_schema"]) {
      expect(problem({ ...live, HANDOFF_DATABASE_SCHEMA: reserved })).toMatch(
        /^HANDOFF_DATABASE_SCHEMA: ".*" is PostgreSQL's own/,
      );
    }
  });

  it("reads the proxies to trust, none unless told", () => {
    expect(loadConfig({}, local).trustProxy).toBe(false);
    expect(loadConfig({ HANDOFF_TRUST_PROXY: "1" }, local).trustProxy).toBe(1);
    expect(problem({ ...live, HANDOFF_TRUST_PROXY: "true" })).toMatch(
      /^HANDOFF_TRUST_PROXY: true would believe/,
    );
  });

  it("reads only variables the documentation lists, and reads every one it lists for the server", () => {
    const read = new Set<string>();
    const watched = (env: NodeJS.ProcessEnv) =>
      new Proxy(env, {
        get(target, name) {
          if (typeof name === "string") read.add(name);
          return Reflect.get(target, name);
        },
      });
    loadConfig(watched({}), local);
    loadConfig(
      watched({ ...live, CKO_CLIENT_ID: "ack_aaaaaaaaaaaaaaaaaaaaaaaaaa", CKO_CLIENT_SECRET: "s" }),
      undefined,
    );
    const documented = ENV_VARIABLES.filter((v) => v.readBy === "loadConfig").map((v) => v.name);
    expect([...read].sort()).toEqual([...documented].sort());
  });

  it("accepts a correct production configuration", () => {
    expect(loadConfig(live, undefined)).toMatchObject({
      environment: "production",
      apiUrl: "https://api.checkout.com",
    });
  });
});
