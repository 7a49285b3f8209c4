import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../../packages/ops/src/auth/secrets.js";
import { LoginThrottle } from "../../packages/ops/src/auth/throttle.js";
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
const ALICE = { name: "alice", password: "correct horse battery" };
const operators = [{ name: ALICE.name, passwordHash: hashPassword(ALICE.password) }];

beforeAll(async () => {
  h = await startWebhookHarness({ startWorker: false });
  other = await openDatabase(h.databaseUrl);
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
): Promise<{ status: number; setCookie: string }> {
  const response = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ name: ALICE.name, password }),
  });
  await response.arrayBuffer();
  return { status: response.status, setCookie: response.headers.get("set-cookie") ?? "" };
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
    expect(await guesses(base, 6, () => guesser)).toEqual([401, 401, 401, 401, 401, 429]);
    // Even the right password, from the guesser's address.
    expect((await signIn(base, ALICE.password, guesser)).status).toBe(429);
    // Alice, behind the same proxy from her own address, signs in.
    expect((await signIn(base, ALICE.password, { "x-forwarded-for": "198.51.100.10" })).status).toBe(303);
  });

  it("a guesser cannot escape by writing their own X-Forwarded-For entries before the proxy's", async () => {
    const base = await console_({ trustProxy: "loopback" });
    const statuses = await guesses(base, 6, (i) => ({ "x-forwarded-for": `10.0.0.${i}, 198.51.100.67` }));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
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
    const statuses = await guesses(base, 6, (i) => ({ "x-forwarded-for": `198.51.100.${100 + i}` }));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
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
    for (let i = 0; i < 8; i++)
      statuses.push((await signIn(i % 2 ? second : first, `guess-${i}`, guesser)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Alice, from her own address, on either instance.
    const alice = { "x-forwarded-for": "198.51.100.12" };
    expect((await signIn(second, ALICE.password, alice)).status).toBe(303);
    expect((await signIn(first, ALICE.password, alice)).status).toBe(303);
  });
});

describe("LoginThrottle", () => {
  for (const where of ["memory", "database"] as const) {
    it(`(${where}) counts failures per address, gives back right and refused tries, and forgets after the window`, async () => {
      const db = where === "database" ? h.db : undefined;
      const throttle = new LoginThrottle({ limit: 2, windowMs: 60_000, ...(db ? { db } : {}) });
      const t0 = Date.parse("2031-01-01T00:00:00Z");
      const who = `192.0.2.${where === "memory" ? 1 : 2}`;
      expect(await throttle.take(who, t0)).toBe(true); // wrong: stays counted
      // A right password is given back: it does not use the budget.
      expect(await throttle.take(who, t0 + 1)).toBe(true);
      await throttle.giveBack(who, t0 + 1);
      expect(await throttle.take(who, t0 + 2)).toBe(true); // wrong
      expect(await throttle.take(who, t0 + 3)).toBe(false);
      expect(await throttle.take(who, t0 + 4)).toBe(false);
      expect(await throttle.take("192.0.2.99", t0 + 5)).toBe(true);
      // Refused tries were not counted: once the two failures are out of the window, free again.
      expect(await throttle.take(who, t0 + 61_000)).toBe(true);
    });
  }

  it("(database) parallel guesses never pass the check together", async () => {
    const throttle = new LoginThrottle({ db: h.db });
    const again = new LoginThrottle({ db: other });
    const now = Date.now();
    const taken = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? throttle : again).take("192.0.2.50", now)),
    );
    expect(taken.filter(Boolean).length).toBeLessThanOrEqual(5);
  });
});
