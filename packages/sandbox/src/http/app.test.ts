import { afterAll, describe, expect, it } from "vitest";
import { createSandbox } from "../server.js";

/** The routes answer in-process, with no port: `sandbox.app.request()`. */
const sandbox = createSandbox({ captureDelayMs: 60_000 });
afterAll(() => sandbox.close());
const secret = { authorization: `Bearer ${sandbox.keys.secretKey}`, "content-type": "application/json" };

async function pay(): Promise<string> {
  const tokenAnswer = await sandbox.app.request("/tokens", {
    method: "POST",
    headers: { authorization: sandbox.keys.publicKey },
    body: JSON.stringify({ type: "card", number: "4242424242424242", expiry_month: 1, expiry_year: 2040 }),
  });
  const { token } = (await tokenAnswer.json()) as { token: string };
  const answer = await sandbox.app.request("/payments", {
    method: "POST",
    headers: secret,
    body: JSON.stringify({
      source: { type: "token", token },
      amount: 1200,
      currency: "GBP",
      reference: "ord_app",
    }),
  });
  return ((await answer.json()) as { id: string }).id;
}

describe("the sandbox app without a port", () => {
  it("answers unknown paths 404 in Checkout.com's shape and known paths with the wrong method 405", async () => {
    const unknown = await sandbox.app.request("/nowhere", { headers: secret });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error_type: "resource_not_found" });
    expect(unknown.headers.get("cko-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await sandbox.app.request("/payments/pay_x", { method: "DELETE", headers: secret })).status).toBe(
      405,
    );
  });

  it("refuses a missing key with an empty 401 and malformed JSON with 400 request_json_invalid", async () => {
    const anonymous = await sandbox.app.request("/payments/pay_x");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toBe("");
    const malformed = await sandbox.app.request("/payments", { method: "POST", headers: secret, body: "{" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error_codes: ["request_json_invalid"] });
  });

  it("turns a triggered dispute_received into a dispute /disputes lists, with that one webhook", async () => {
    const payment = await pay();
    const triggered = await sandbox.app.request("/_sandbox/trigger", {
      method: "POST",
      body: JSON.stringify({ type: "dispute_received", payment }),
    });
    expect(triggered.status).toBe(201);
    const { id, dispute } = (await triggered.json()) as { id: string; dispute: string };
    expect(id).toMatch(/^evt_/);
    const listed = await sandbox.app.request(`/disputes?payment_id=${payment}`, { headers: secret });
    const body = (await listed.json()) as { data: Array<{ id: string; status: string; amount: number }> };
    expect(body.data).toEqual([
      expect.objectContaining({ id: dispute, status: "evidence_required", amount: 1200 }),
    ]);
    const events = sandbox.webhooks.events.filter((e) => e.subject === dispute).map((e) => e.type);
    expect(events).toEqual(["dispute_received"]);
  });
});
