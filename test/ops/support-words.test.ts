import { reconcileStuckAttempts, releaseReview, requestOperatorAction } from "@handoff/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, hashToken } from "../../packages/ops/src/auth/secrets.js";
import {
  startWebhookHarness,
  type WebhookHarness,
} from "../../packages/server/src/test-support/webhook-harness.js";
import { type ServedConsole, serveOpsConsole } from "../support/ops-console.js";

/**
 * What a support person found confusing, read as they read it: why a payment was declined, 3-D Secure
 * apart from a bank's decline, a refused refund, a release, the search hint, a refused void, a deep link.
 */
let h: WebhookHarness;
let served: ServedConsole;
let base: string;
const ALICE = { name: "alice", password: "correct horse battery", token: "tok_alice_0123456789abcdef" };

beforeAll(async () => {
  h = await startWebhookHarness();
  served = await serveOpsConsole(h, {
    auth: {
      operators: [
        {
          name: ALICE.name,
          passwordHash: hashPassword(ALICE.password),
          apiTokenHash: hashToken(ALICE.token),
        },
      ],
    },
    outbox: h.outbox,
  });
  base = `${served.origin}/ops`;
});
afterAll(async () => {
  await served.close();
  await h.close();
});

/** An order paid (or not) with `card`; with `challenge`, the shopper fails the bank's 3-D Secure page. */
async function orderWith(card: string, challenge?: "fail"): Promise<string> {
  const cartId = await h.cart([{ sku: "mug", quantity: 2 }], { session: false });
  await h.handoff.session({ cartId, customer: { email: "words@example.com" } });
  const reply = await h.handoff.confirm({ cartId, processorToken: await h.token(card) });
  const redirectUrl = (reply.body as { redirectUrl?: string }).redirectUrl;
  if (redirectUrl && challenge === "fail") {
    const bank = await fetch(redirectUrl, {
      method: "POST",
      body: new URLSearchParams({ action: "fail" }),
      redirect: "manual",
    });
    const location = bank.headers.get("location");
    if (location) await h.handoff.threeDsReturn(new URL(location).searchParams);
  }
  await h.waitUntilQuiet();
  const order = await h.store.findOrderByCart(cartId);
  if (!order) throw new Error("no order");
  return order.id;
}

async function signIn(next?: string): Promise<Response> {
  return fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      name: ALICE.name,
      password: ALICE.password,
      ...(next !== undefined ? { next } : {}),
    }),
  });
}
const cookieOf = (response: Response) =>
  /handoff_ops_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";

/** The page as a person reads it: no technical record, no tags, entities undone. */
async function read(path: string): Promise<string> {
  const cookie = cookieOf(await signIn());
  const response = await fetch(`${base}${path}`, { headers: { cookie }, redirect: "manual" });
  return (await response.text())
    .replace(/<details[\s\S]*?<\/details>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x2F;/g, "/")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("why a payment did not go through", () => {
  it("says a stolen card was declined as stolen, with the code beside it", async () => {
    const shown = await read(`/orders/${await orderWith("4539253655711767")}`);
    expect(shown).toContain("The bank declined the payment: the card was reported stolen (code 30043)");
  });

  it("says insufficient funds in words", async () => {
    const shown = await read(`/orders/${await orderWith("4544249167673670")}`);
    expect(shown).toContain("The bank declined the payment: not enough money on the card (code 20051)");
  });

  it("tells a failed 3-D Secure apart from a bank's decline", async () => {
    const shown = await read(`/orders/${await orderWith("4010061700000021", "fail")}`);
    expect(shown).toContain("3-D Secure authentication failed: nothing was charged");
    expect(shown).toContain("Checkout.com reported that 3-D Secure authentication failed (code 20151)");
    expect(shown).not.toContain("The bank declined the payment");
    expect(shown).not.toContain("Declined by the bank");
  });
  it("says a 3-D Secure left unfinished was not completed by the cardholder", async () => {
    const orderId = await orderWith("4010061700000021");
    // The bank gives up on an unfinished challenge after 15 minutes; Handoff's sweep then looks.
    h.sandbox.advanceClock(15 * 60_000 + 1);
    await reconcileStuckAttempts(h.deps, 0);
    await h.waitUntilQuiet();
    const shown = await read(`/orders/${orderId}`);
    expect(shown).toContain("The cardholder did not complete 3-D Secure");
    expect(shown).not.toMatch(/bank declined the payment|Declined by the bank/);
  });
});

describe("what an operator did", () => {
  it("makes a refund the bank declined plain: the amount, that the money was not returned, what to do", async () => {
    const orderId = await orderWith("4242424242424242");
    const payment = [...h.sandbox.payments.payments.values()].find((p) => p.reference === orderId);
    if (!payment) throw new Error("no payment");
    h.sandbox.payments.declineNextAction(payment.id, "refund");
    await requestOperatorAction(h.deps, orderId, "refund", {
      amount: 200,
      operator: "admin",
      reason: "broken mug",
    });
    await h.waitUntilQuiet();
    const shown = await read(`/orders/${orderId}`);
    expect(shown).toContain(
      "The bank declined the refund of £2.00: the money was not returned to the customer. Try the refund again, or refund them another way",
    );
    // Accepted is not done: the request's line says the bank has yet to answer.
    expect(shown).toContain("Checkout.com accepted the request (the bank's answer shows here when it comes)");
  });

  it("words a release from review as a release, not a capture", async () => {
    const orderId = await orderWith("4000000000000101");
    const released = await releaseReview(h.deps, orderId, "admin");
    expect(released.status).toBe(200);
    await h.waitUntilQuiet();
    const shown = await read(`/orders/${orderId}`);
    expect(shown).toContain("admin released the order from review");
    expect(shown).not.toContain("After an operator's action");
  });

  it("suggests a refund when a void is refused on a captured order", async () => {
    const orderId = await orderWith("4242424242424242");
    const shown = await read(`/orders/${orderId}/void`);
    expect(shown).toContain("use Refund to return the money");
  });
});

describe("finding and reaching a page", () => {
  it("says a search needs three characters", async () => {
    expect(await read("/?q=al")).toMatch(/at least 3 characters/);
  });

  it("returns to the page asked for after signing in, and only to a page of the console", async () => {
    const deep = await fetch(`${base}/orders/ord_x?older=5`, { redirect: "manual" });
    expect(deep.status).toBe(303);
    const login = deep.headers.get("location") ?? "";
    expect(login).toBe("/ops/login?next=%2Forders%2Ford_x%3Folder%3D5");
    const form = await (await fetch(new URL(login, base))).text();
    expect(form).toMatch(
      /<input type="hidden" name="next" value="\/orders\/ord_x\?older=5">|value="&#x2F;orders&#x2F;ord_x\?older&#x3D;5"/,
    );
    expect((await signIn("/orders/ord_x?older=5")).headers.get("location")).toBe("/ops/orders/ord_x?older=5");
    for (const away of [
      "//evil.example/",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
      "/\u0000x",
    ])
      expect((await signIn(away)).headers.get("location")).toBe("/ops/");
  });
});
