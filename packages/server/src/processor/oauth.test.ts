import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirm } from "../confirm/use-case.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { CheckoutComProcessor } from "./checkout-com.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function oauthProcessor(clientSecret = h.sandbox.keys.clientSecret) {
  return new CheckoutComProcessor({
    secretKey: "",
    oauth: { clientId: h.sandbox.keys.clientId, clientSecret, accessUrl: `${h.sandbox.url}/connect/token` },
    publicKey: h.sandbox.keys.publicKey,
    host: h.sandbox.url,
    retry: { attempts: 2, baseDelayMs: 10 },
  });
}

describe("an OAuth access key instead of a secret key", () => {
  it("charges through the official SDK with a bearer token, fetched once and reused", async () => {
    const deps = { ...h.deps, processor: oauthProcessor() };
    const first = await confirm({ cartId: await h.cart(), processorToken: await h.token() }, deps);
    const second = await confirm({ cartId: await h.cart(), processorToken: await h.token() }, deps);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const operations = async (orderId: string) =>
      (await h.store.timeline(orderId))
        .filter((e) => e.kind === "processor_call")
        .map((e) => e.detail.operation);
    expect(await operations((first.body as { orderId: string }).orderId)).toContain("POST /connect/token");
    expect(await operations((second.body as { orderId: string }).orderId)).not.toContain(
      "POST /connect/token",
    );
  });

  it("says the credentials are wrong instead of charging, and never logs the secret", async () => {
    const deps = { ...h.deps, processor: oauthProcessor("not-the-secret") };
    const reply = await confirm({ cartId: await h.cart(), processorToken: await h.token() }, deps);
    expect(reply.status).toBeGreaterThanOrEqual(500);
    const orderId = (reply.body as { orderId: string }).orderId;
    expect(await h.chargesFor(orderId)).toBe(0);
    expect(JSON.stringify(await h.store.timeline(orderId))).not.toContain(h.sandbox.keys.clientSecret);
  });
});
