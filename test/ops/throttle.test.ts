import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import { CredentialThrottle } from "../../packages/ops/src/auth/throttle.js";
import { createOpsRouter, type OpsRouterOptions } from "../../packages/ops/src/router.js";
import { openDatabase } from "../../packages/server/src/db/open.js";
import type { SqlClient } from "../../packages/server/src/db/sql-client.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";

/** The sign-in throttle behind a proxy and across instances, on the real store (SQLite, and PostgreSQL). */
let h: WebhookHarness;
let other: SqlClient;
const servers: Server[] = [];
const ALICE = { name: "alice", password: "correct horse battery", token: "tok_alice_0123456789abcdef" };
const operators = [
  { name: ALICE.name, passwordHash: hashPassword(ALICE.password), apiTokenHash: hashToken(ALICE.token) },
];
const TEN_WRONG = Array.from({ length: 10 }, () => 401);

beforeAll(async () => {
  h = await startWebhookHarness({ startWorker: false });
  other = await openDatabase(h.databaseUrl);
});
// Every test guesses alice's password: each starts with her per-operator budget whole.
beforeEach(async () => {
  await h.db.execute("DELETE FROM rate_limit_hits WHERE scope = 'ops_credential_operator'");
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await other.close();
  await h.close();
});

/** A console in its own app; each gets a fresh database budget by using its own proxy addresses. */
async function console_(
  options: Partial<Pick<OpsRouterOptions, "trustProxy" | "db">> = {},
  appTrustProxy?: boolean,
): Promise<string> {
  const app = express();
  if (appTrustProxy !== undefined) app.set("trust proxy", appTrustProxy);
  app.use(
    "/ops",
    createOpsRouter(h.handoff, {
      auth: { operators },
      db: options.db ?? h.db,
      webhooks: h.webhooks,
      outbox: h.outbox,
      ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    }),
  );
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops`;
}

async function signIn(
  base: string,
  password: string,
  headers: Record<string, string> = {},
  name = ALICE.name,
): Promise<{ status: number; setCookie: string; retryAfter: string | null }> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ name, password }),
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    setCookie: response.headers.get("set-cookie") ?? "",
    retryAfter: response.headers.get("retry-after"),
  };
}

async function callApi(
  base: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; retryAfter: string | null; body: { error?: string } }> {
  const response = await fetch(`${base}/api/orders`, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as { error?: string },
  };
}

async function guesses(base: string, n: number, headers: (i: number) => Record<string, string>) {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await signIn(base, `guess-${i}`, headers(i))).status);
  return statuses;
}

describe("the ops sign-in throttle behind a proxy (trustProxy: loopback)", () => {
  it("locks out the guessing address, not every operator behind the proxy", async () => {
    const base = await console_({ trustProxy: "loopback" });
    const guesser = { "x-forwarded-for": "198.51.100.66" };
    expect(await guesses(base, 11, () => guesser)).toEqual([...TEN_WRONG, 429]);
    // Even the right password, from the guesser's address.
    expect((await signIn(base, ALICE.password, guesser)).status).toBe(429);
    // Alice, behind the same proxy from her own address, signs in.
    expect((await signIn(base, ALICE.password, { "x-forwarded-for": "198.51.100.10" })).status).toBe(303);
  });

  it("a guesser cannot escape by writing their own X-Forwarded-For entries before the proxy's", async () => {
    const base = await console_({ trustProxy: "loopback" });
    const statuses = await guesses(base, 11, (i) => ({ "x-forwarded-for": `10.0.0.${i}, 198.51.100.67` }));
    expect(statuses).toEqual([...TEN_WRONG, 429]);
  });

  it("believes X-Forwarded-Proto from the trusted proxy: the session cookie is Secure", async () => {
    const base = await console_({ trustProxy: "loopback" });
    const proxied = await signIn(base, ALICE.password, {
      "x-forwarded-for": "198.51.100.11",
      "x-forwarded-proto": "https",
    });
    expect(proxied.status).toBe(303);
    expect(proxied.setCookie).toMatch(/;\s*Secure/i);
  });
});

describe("the ops sign-in throttle without trustProxy", () => {
  it("ignores a forged X-Forwarded-For: the guesser's own address is locked out", async () => {
    const base = await console_();
    await h.db.execute("DELETE FROM rate_limit_hits WHERE subject = '127.0.0.1'");
    const statuses = await guesses(base, 11, (i) => ({ "x-forwarded-for": `198.51.100.${100 + i}` }));
    expect(statuses).toEqual([...TEN_WRONG, 429]);
  });

  it("trustProxy: false decides over an app that trusts every proxy: no Secure cookie from a claimed https", async () => {
    await h.db.execute("DELETE FROM rate_limit_hits WHERE subject = '127.0.0.1'");
    const base = await console_({ trustProxy: false }, true);
    const signed = await signIn(base, ALICE.password, { "x-forwarded-proto": "https" });
    expect(signed.status).toBe(303);
    expect(signed.setCookie).not.toMatch(/;\s*Secure/i);
  });
});

describe("the ops sign-in throttle on two instances over one database", () => {
  it("allows one budget of guesses in all, not one per instance", async () => {
    const first = await console_({ trustProxy: "loopback" });
    const second = await console_({ trustProxy: "loopback", db: other });
    const guesser = { "x-forwarded-for": "198.51.100.77" };
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++)
      statuses.push((await signIn(i % 2 ? second : first, `guess-${i}`, guesser)).status);
    expect(statuses).toEqual([...TEN_WRONG, 429, 429, 429]);
    // Alice, from her own address, on either instance.
    const alice = { "x-forwarded-for": "198.51.100.12" };
    expect((await signIn(second, ALICE.password, alice)).status).toBe(303);
    expect((await signIn(first, ALICE.password, alice)).status).toBe(303);
  });
});

describe("API tokens and passwords: one throttle", () => {
  it("60 wrong bearer tokens meet 429 with Retry-After, and the right token waits too", async () => {
    const base = await console_({ trustProxy: "loopback" });
    const guesser = { "x-forwarded-for": "198.51.100.80" };
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof callApi>> | undefined;
    for (let i = 0; i < 60; i++) {
      last = await callApi(base, `tok_guess_${i}`, guesser);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).toEqual(TEN_WRONG);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    expect(last?.body.error).toBe("TOO_MANY_FAILED_CREDENTIALS");
    const retryAfter = Number(last?.retryAfter);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await callApi(base, ALICE.token, guesser)).status).toBe(429);
    // Alice's own address is not locked; a request with no credential at all spends nothing.
    const alice = { "x-forwarded-for": "198.51.100.81" };
    for (let i = 0; i < 20; i++) expect((await callApi(base, undefined, alice)).status).toBe(401);
    expect((await callApi(base, ALICE.token, alice)).status).toBe(200);
  });

  it("wrong tokens spend the same budget as wrong passwords, across two instances", async () => {
    const first = await console_({ trustProxy: "loopback" });
    const second = await console_({ trustProxy: "loopback", db: other });
    const guesser = { "x-forwarded-for": "198.51.100.82" };
    for (let i = 0; i < 5; i++) expect((await callApi(first, `tok_guess_${i}`, guesser)).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await signIn(second, `guess-${i}`, guesser)).status).toBe(401);
    const locked = await signIn(first, ALICE.password, guesser);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    expect((await callApi(second, ALICE.token, guesser)).status).toBe(429);
  });

  it("one operator's password meets a limit however many addresses guess it", async () => {
    const base = await console_({ trustProxy: "loopback" });
    const statuses: number[] = [];
    // 31 addresses, one guess each: no address reaches its own limit.
    for (let i = 0; i < 31; i++)
      statuses.push((await signIn(base, `guess-${i}`, { "x-forwarded-for": `203.0.113.${i + 1}` })).status);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Names that are nobody's are counted per address only.
    expect((await signIn(base, "x", { "x-forwarded-for": "203.0.113.200" }, "mallory")).status).toBe(401);
    await h.db.execute(
      "DELETE FROM rate_limit_hits WHERE scope = 'ops_credential_operator' AND subject = 'alice'",
    );
  });
});

describe("CredentialThrottle", () => {
  for (const where of ["memory", "database"] as const) {
    it(`(${where}) counts failures per address, gives back right and refused tries, and forgets after the window`, async () => {
      const db = where === "database" ? h.db : undefined;
      const throttle = new CredentialThrottle({ perClient: 2, windowMs: 60_000, ...(db ? { db } : {}) });
      const t0 = Date.parse("2031-01-01T00:00:00Z");
      const who = { client: `192.0.2.${where === "memory" ? 1 : 2}` };
      expect((await throttle.take(who, t0)).ok).toBe(true); // wrong: stays counted
      // A right credential is given back: it does not use the budget.
      expect((await throttle.take(who, t0 + 1)).ok).toBe(true);
      await throttle.giveBack(who, t0 + 1);
      expect((await throttle.take(who, t0 + 2)).ok).toBe(true); // wrong
      const refused = await throttle.take(who, t0 + 3);
      expect(refused).toEqual({ ok: false, retryAfterSeconds: expect.any(Number) });
      expect(refused.ok === false && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await throttle.take(who, t0 + 4)).ok).toBe(false);
      expect((await throttle.take({ client: "192.0.2.99" }, t0 + 5)).ok).toBe(true);
      // Refused tries were not counted: once the two failures are out of the window, free again.
      expect((await throttle.take(who, t0 + 61_000)).ok).toBe(true);
    });
  }

  it("(memory) remembers at most maxTracked subjects, however many addresses guess", async () => {
    const throttle = new CredentialThrottle({ perClient: 1, maxTracked: 100 });
    const now = Date.now();
    for (let i = 0; i < 5_000; i++) await throttle.take({ client: `10.1.${i >> 8}.${i & 255}` }, now);
    const tracked = (throttle as unknown as { tries: Map<string, number[]> }).tries.size;
    expect(tracked).toBeLessThanOrEqual(100);
    // The latest guesser is still remembered and limited.
    expect((await throttle.take({ client: "10.1.19.135" }, now + 1)).ok).toBe(false);
  });

  it("(database) parallel guesses never pass the check together", async () => {
    const throttle = new CredentialThrottle({ db: h.db });
    const again = new CredentialThrottle({ db: other });
    const now = Date.now();
    const taken = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? throttle : again).take({ client: "192.0.2.50" }, now)),
    );
    expect(taken.filter((t) => t.ok).length).toBeLessThanOrEqual(10);
  });
});
