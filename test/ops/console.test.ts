import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import { parseMajor } from "../../packages/ops/src/pages/orders.js";
import { redact } from "../../packages/ops/src/pages/webhooks.js";
import { createOpsRouter } from "../../packages/ops/src/router.js";
import { sampleEventFor } from "../../packages/server/src/test-support/events.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { launchChromium, screenshot } from "../support/chromium.js";

/** The console mounted in a plain Express app, as a merchant would, over the real store and sandbox. */
let h: WebhookHarness;
let server: Server;
let base: string;
const ALICE = { name: "alice", password: "correct horse battery", token: "tok_alice_0123456789abcdef" };

beforeAll(async () => {
  h = await startWebhookHarness();
  const app = express();
  app.use(
    "/ops",
    createOpsRouter(h.handoff, {
      auth: {
        operators: [
          {
            name: ALICE.name,
            passwordHash: hashPassword(ALICE.password),
            apiTokenHash: hashToken(ALICE.token),
          },
          { name: "bob", apiTokenHash: hashToken("tok_bob_0123456789abcdef") },
        ],
      },
      db: h.db,
      webhooks: h.webhooks,
      outbox: h.outbox,
    }),
  );
  server = createServer(app);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  await h.close();
});

async function paidOrder(): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }]);
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
  await h.waitUntilQuiet();
  return (reply.body as { orderId: string }).orderId;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function signIn(
  password = ALICE.password,
): Promise<{ status: number; cookie?: string; setCookie: string }> {
  const response = await fetch(`${base}/ops/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form({ name: ALICE.name, password }),
  });
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = /handoff_ops_session=([^;]+)/.exec(setCookie)?.[0];
  return { status: response.status, setCookie, ...(cookie ? { cookie } : {}) };
}

/** The session's CSRF token, as every form of its pages carries it. */
async function csrfOf(cookie: string): Promise<string> {
  const page = await (await fetch(`${base}/ops/`, { headers: { cookie } })).text();
  return /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
}

describe("the ops JSON API", () => {
  it("answers each action only to an operator's own token, and names that operator on the timeline", async () => {
    const orderId = await paidOrder();
    const routes = [
      ["GET", "/orders"],
      ["GET", `/orders/${orderId}`],
      ["POST", `/orders/${orderId}/refund`],
      ["POST", `/orders/${orderId}/capture`],
      ["POST", `/orders/${orderId}/void`],
      ["POST", `/orders/${orderId}/release`],
      ["GET", "/webhooks"],
      ["POST", "/reconcile"],
      ["GET", "/destinations"],
      ["POST", "/destinations"],
    ] as const;
    for (const [method, path] of routes) {
      // Each route's wrong tokens start from a whole budget (the throttle has its own tests).
      await h.db.execute("DELETE FROM rate_limit_hits WHERE scope LIKE 'ops_credential_%'");
      for (const authorization of [
        undefined,
        "Bearer wrong-token",
        `Bearer ${ALICE.password}`,
        `Basic ${ALICE.token}`,
      ]) {
        const response = await fetch(`${base}/ops/api${path}`, {
          method,
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          ...(method === "POST" ? { body: JSON.stringify({ amount: 100 }) } : {}),
        });
        expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 401`);
      }
    }
    // A signed-in page session is no API credential either.
    const { cookie } = await signIn();
    const withCookie = await fetch(`${base}/ops/api/orders/${orderId}/refund`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: cookie ?? "" },
      body: JSON.stringify({ amount: 100 }),
    });
    expect(withCookie.status).toBe(401);

    const refund = await fetch(`${base}/ops/api/orders/${orderId}/refund`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${ALICE.token}`,
        "idempotency-key": "refund-ticket-4711",
      },
      body: JSON.stringify({ amount: 300, reason: "late delivery" }),
    });
    expect(refund.status).toBe(202);
    // The same request again (a retry): one refund at Checkout.com.
    await fetch(`${base}/ops/api/orders/${orderId}/refund`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${ALICE.token}`,
        "idempotency-key": "refund-ticket-4711",
      },
      body: JSON.stringify({ amount: 300, reason: "late delivery" }),
    });
    const payment = [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    expect(payment?.balances.total_refunded).toBe(300);
    const action = (await h.store.timeline(orderId)).find((e) => e.kind === "operator_action");
    expect(action?.detail).toMatchObject({
      operator: "alice",
      reason: "late delivery",
      amount: 300,
      accepted: true,
    });
  });

  it("finds orders by payment id, email and card, a page at a time", async () => {
    const orderId = await paidOrder();
    const attempt = (await h.store.attemptsOfOrder(orderId)).at(-1);
    const auth = { authorization: `Bearer ${ALICE.token}` };
    const find = async (q: string) =>
      (await (
        await fetch(`${base}/ops/api/orders?q=${encodeURIComponent(q)}`, { headers: auth })
      ).json()) as {
        orders: Array<{ id: string }>;
        total: number;
      };
    expect((await find(attempt?.paymentId ?? "")).orders.map((o) => o.id)).toEqual([orderId]);
    expect((await find(attempt?.processorToken ?? "")).orders.map((o) => o.id)).toEqual([orderId]);
    expect((await find("4242")).orders.map((o) => o.id)).toContain(orderId);
    expect((await find("nobody@nowhere.example")).total).toBe(0);

    for (let i = 0; i < 55; i++) await h.cart([{ sku: "poster", quantity: 1 }]);
    const first = (await (
      await fetch(`${base}/ops/api/orders?status=pending`, { headers: auth })
    ).json()) as {
      orders: Array<{ id: string }>;
      total: number;
      next?: string;
    };
    expect(first.orders).toHaveLength(50);
    expect(first.total).toBeGreaterThanOrEqual(55);
    const second = (await (
      await fetch(`${base}/ops/api/orders?status=pending&after=${encodeURIComponent(first.next ?? "")}`, {
        headers: auth,
      })
    ).json()) as { orders: Array<{ id: string }> };
    expect(second.orders.length).toBe(first.total - 50);
    expect(second.orders.some((o) => first.orders.some((f) => f.id === o.id))).toBe(false);
  });
});

describe("the webhook inbox", () => {
  it("pages fifty at a time, newest first, and finds one event by its id", async () => {
    const received = new Date().toISOString();
    for (let i = 0; i < 60; i++) {
      const event = sampleEventFor("payment_captured");
      await h.webhooks.inbox.insert({
        id: event.id,
        type: event.type,
        rawBody: JSON.stringify(event),
        headers: {},
        receivedAt: received,
      });
    }
    const { cookie } = await signIn();
    const page = async (path: string) =>
      (await fetch(`${base}${path}`, { headers: { cookie: cookie ?? "" } })).text();
    // Each row leads to its event by id; the row itself says what the event was, not its code.
    const ids = (html: string) =>
      [...html.matchAll(/href="[^"]*webhooks(?:\/|&#x2F;)(evt_[a-z0-9]+)"/g)].map((m) => m[1]);
    const first = await page("/ops/webhooks");
    expect(ids(first)).toHaveLength(50);
    // Attribute values come entity-escaped (a browser decodes them).
    const decode = (v: string) =>
      v
        .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
        .replace(/&amp;/g, "&");
    const next = decode(/href="([^"]*after(?:=|&#x3D;)[^"]+)"/.exec(first)?.[1] ?? "");
    expect(next).not.toBe("");
    const second = ids(await page(next));
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((id) => ids(first).includes(id))).toBe(false);
    const one = ids(first)[7] ?? "";
    expect(ids(await page(`/ops/webhooks?q=${one}`))).toEqual([one]);
  });
});

describe("signing in to the pages", () => {
  it("keeps a random session id in an HttpOnly, SameSite cookie with an expiry, and ends it on sign-out", async () => {
    expect((await signIn("not the password")).status).toBe(401);
    const { status, cookie, setCookie } = await signIn();
    expect(status).toBe(303);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Max-Age=\d+/i);
    expect(setCookie).toMatch(/Path=\/ops/);
    expect(setCookie).not.toContain(ALICE.password);
    expect(setCookie).not.toContain(ALICE.token);
    const home = await fetch(`${base}/ops/`, { headers: { cookie: cookie ?? "" }, redirect: "manual" });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("alice");

    const csrf = await csrfOf(cookie ?? "");
    const out = await fetch(`${base}/ops/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookie ?? "", origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: form({ _csrf: csrf }),
    });
    expect(out.status).toBe(303);
    // The old cookie signs nobody in any more.
    const after = await fetch(`${base}/ops/`, { headers: { cookie: cookie ?? "" }, redirect: "manual" });
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toBe("/ops/login");
  });

  it("refuses every form without this session's CSRF token or from another origin", async () => {
    const orderId = await paidOrder();
    const { cookie } = await signIn();
    const csrf = await csrfOf(cookie ?? "");
    const post = (fields: Record<string, string>, origin: string | undefined) =>
      fetch(`${base}/ops/orders/${orderId}/refund`, {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie: cookie ?? "",
          "content-type": "application/x-www-form-urlencoded",
          ...(origin ? { origin } : {}),
        },
        body: form({ amount: "100", reason: "x", request: "abcdefgh1234", ...fields }),
      });
    expect((await post({}, base)).status).toBe(403);
    expect((await post({ _csrf: "guessed" }, base)).status).toBe(403);
    expect((await post({ _csrf: csrf }, "https://evil.example")).status).toBe(403);
    expect((await post({ _csrf: csrf }, undefined)).status).toBe(403);
    const payment = [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    expect(payment?.balances.total_refunded).toBe(0);
    // With it, from here: the refund goes, once however often the confirmation is posted.
    expect((await post({ _csrf: csrf }, base)).status).toBe(303);
    expect((await post({ _csrf: csrf }, base)).status).toBe(303);
    expect(payment?.balances.total_refunded).toBe(100);
  });
});

describe("the console in Chromium", () => {
  it("pages through orders fifty at a time on a phone, and signs out", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`${base}/ops/`);
      await page.waitForURL(/\/ops\/login$/);
      await page.getByLabel("Name").fill(ALICE.name);
      await page.getByLabel("Password").fill(ALICE.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/ops\/$/);
      await page.getByRole("combobox", { name: "Status" }).selectOption("pending");
      await page.getByRole("button", { name: "Search" }).click();
      const count = Number(/(\d+) orders match/.exec((await page.textContent("main")) ?? "")?.[1]);
      expect(count).toBeGreaterThan(50);
      expect(await page.locator("tbody tr").count()).toBe(50);
      const firstPage = await page.locator("tbody tr td:first-child a").allTextContents();
      await page.getByRole("link", { name: "Next 50" }).click();
      const secondPage = await page.locator("tbody tr td:first-child a").allTextContents();
      expect(secondPage.length).toBe(count - 50);
      expect(secondPage.some((id) => firstPage.includes(id))).toBe(false);
      await screenshot(page, "ops-orders-page-2-390");
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/ops\/login$/);
      await page.goto(`${base}/ops/`);
      await page.waitForURL(/\/ops\/login$/);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe("money typed by people", () => {
  it("reads major units in the order's currency, and refuses what is not one", () => {
    expect(parseMajor("5.00", "GBP")).toBe(500);
    expect(parseMajor("10", "GBP")).toBe(1000);
    expect(parseMajor("£7.5", "GBP")).toBe(750);
    expect(parseMajor("500", "JPY")).toBe(500);
    expect(parseMajor("5.001", "GBP")).toMatch(/not an amount in GBP/);
    expect(parseMajor("5.5", "JPY")).toMatch(/not an amount in JPY/);
    expect(parseMajor("0", "GBP")).toMatch(/more than zero/);
    expect(parseMajor("-5", "GBP")).toMatch(/not an amount/);
    expect(parseMajor("", "GBP")).toMatch(/Enter an amount/);
  });

  it("shows webhook payloads without personal data or secrets", () => {
    const shown = redact({
      id: "evt_1",
      data: {
        amount: 1450,
        source: { last4: "4242", name: "Ada", bin: "424242" },
        customer: { email: "a@b.co" },
        metadata: { AccelerateToken: "tok_x" },
      },
    }) as { data: Record<string, Record<string, unknown>> };
    expect(shown.data.amount).toBe(1450);
    expect(shown.data.source).toEqual({ last4: "4242", name: "[redacted]", bin: "[redacted]" });
    expect(shown.data.customer).toEqual({ email: "[redacted]" });
    expect(shown.data.metadata).toEqual({ AccelerateToken: "[redacted]" });
  });
});
