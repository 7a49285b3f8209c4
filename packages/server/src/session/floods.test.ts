import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfirmVelocity, DEFAULT_VELOCITY } from "../confirm/velocity.js";
import { createHandoffRouter } from "../http/express.js";
import { type Harness, startHarness } from "../test-support/harness.js";

/**
 * Anonymous floods on POST /session meet limits: a payment session is reused while nothing changed,
 * new ones per cart and requests per client address are counted in the database, and what is over
 * is 429 RATE_LIMITED with Retry-After, costing Checkout.com nothing and the timeline nothing.
 */
let h: Harness;
let server: Server;
let base = "";
beforeAll(async () => {
  h = await startHarness();
  // Small limits, counted in the database as openHandoff counts them.
  h.deps.velocity = new ConfirmVelocity(
    { ...DEFAULT_VELOCITY, sessionsPerCart: 5, sessionsPerClient: 12 },
    { db: h.db },
  );
  const app = express();
  app.use("/api/checkout", createHandoffRouter(h.handoff, { trustProxy: "loopback" }));
  server = createServer(app);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/checkout`;
});
afterAll(async () => {
  server.close();
  await h.close();
});

const sessionCalls = async (orderId: string) =>
  (await h.store.timeline(orderId)).filter((e) => e.kind === "processor_call").length;

async function post(body: unknown, forwardedFor: string) {
  const response = await fetch(`${base}/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: await response.json(),
  };
}

describe("payment sessions", () => {
  it("are reused while the cart and the shopper's details are unchanged: no new POST /payment-sessions, no new timeline row", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    const opened = h.sandbox.payments.paymentSessions.size;
    const customer = { email: "ada@example.com", name: "Ada" };
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await h.handoff.session({ cartId, customer }));
    const ids = replies.map((r) => (r.body as { paymentSession: { id: string } }).paymentSession.id);
    expect(new Set(ids).size).toBe(1);
    expect(h.sandbox.payments.paymentSessions.size).toBe(opened + 1);
    const order = await h.store.findOrderByCart(cartId);
    expect(await sessionCalls(order?.id ?? "")).toBe(1);
    // Another email is another session; so is another cart content.
    const other = await h.handoff.session({ cartId, customer: { email: "bob@example.com", name: "Bob" } });
    expect((other.body as { paymentSession: { id: string } }).paymentSession.id).not.toBe(ids[0]);
    await h.inventory.setCartItems(cartId, [{ sku: "mug", quantity: 2 }]);
    const repriced = await h.handoff.session({ cartId, customer: { email: "bob@example.com", name: "Bob" } });
    expect(repriced.body).toMatchObject({ amount: 2900 });
    expect(h.sandbox.payments.paymentSessions.size).toBe(opened + 3);
    // And the order can still be paid with what it was given.
    expect((await h.handoff.confirm({ cartId, processorToken: await h.token() })).status).toBe(200);
  });

  it("for one cart with 100 different emails: five open sessions, the rest 429 with Retry-After, nothing more at Checkout.com or on the timeline", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    const opened = h.sandbox.payments.paymentSessions.size;
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 100; i++) {
      // Each from its own address, so only the per-cart limit is met.
      const reply = await post({ cartId, customer: { email: `s${i}@example.com` } }, `203.0.113.${i + 1}`);
      statuses.push(reply.status);
      if (reply.status === 429) refused ??= reply;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(95);
    expect(refused?.body).toMatchObject({ error: "RATE_LIMITED", retryable: true });
    expect(Number(refused?.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused?.retryAfter)).toBeLessThanOrEqual(DEFAULT_VELOCITY.windowMs / 1000);
    expect(h.sandbox.payments.paymentSessions.size).toBe(opened + 5);
    const order = await h.store.findOrderByCart(cartId);
    expect(await sessionCalls(order?.id ?? "")).toBe(5);
  });

  it("for one cart with 40 different emails at once: still at most five sessions opened at Checkout.com", async () => {
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }], { session: false });
    const opened = h.sandbox.payments.paymentSessions.size;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post({ cartId, customer: { email: `t${i}@example.com` } }, `203.0.113.${i + 101}`),
      ),
    );
    expect(h.sandbox.payments.paymentSessions.size - opened).toBeLessThanOrEqual(5);
    expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(5);
    expect(replies.every((r) => r.status === 200 || r.body.error === "RATE_LIMITED")).toBe(true);
  });

  it("from one client address (as the trusted proxy saw it) are limited across carts; another address is not", async () => {
    const carts = [];
    for (let i = 0; i < 14; i++) carts.push(await h.cart([{ sku: "mug", quantity: 1 }], { session: false }));
    const answers = [];
    for (const cartId of carts) answers.push(await post({ cartId }, "198.51.100.7"));
    expect(answers.slice(0, 12).every((a) => a.status === 200)).toBe(true);
    expect(answers.slice(12).map((a) => a.status)).toEqual([429, 429]);
    expect(answers[12]?.body).toMatchObject({ error: "RATE_LIMITED" });
    expect(Number(answers[12]?.retryAfter)).toBeGreaterThan(0);
    // Another shopper behind the same proxy is not held back.
    expect((await post({ cartId: carts[13] }, "198.51.100.8")).status).toBe(200);
  });
});
