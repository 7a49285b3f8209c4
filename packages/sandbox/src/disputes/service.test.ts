import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../server.js";

/** The Disputes and Files APIs over HTTP, as a merchant's server calls them. */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = createSandbox({ captureDelayMs: 10, timeScale: 1000 });
  await sandbox.listen();
});
afterAll(() => sandbox.close());

const auth = () => ({ authorization: `Bearer ${sandbox.keys.secretKey}` });

async function disputedPayment(): Promise<string> {
  const token = (
    sandbox.payments.createToken({
      type: "card",
      number: "4242424242424242",
      expiry_month: 12,
      expiry_year: 2040,
      cvv: "100",
    }).body as { token: string }
  ).token;
  const payment = sandbox.payments.createPayment({
    source: { type: "token", token },
    amount: 2500,
    currency: "GBP",
    reference: "ord_x",
  }).body as { id: string };
  await sandbox.idle();
  const opened = await fetch(`${sandbox.url}/_sandbox/disputes`, {
    method: "POST",
    body: JSON.stringify({ payment: payment.id, category: "product_not_received" }),
  });
  expect(opened.status).toBe(201);
  return ((await opened.json()) as { id: string }).id;
}

async function upload(name: string, bytes: number): Promise<Response> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes).fill(37)]), name);
  form.append("purpose", "dispute_evidence");
  return fetch(`${sandbox.url}/files`, { method: "POST", headers: auth(), body: form });
}

describe("disputes", () => {
  it("take evidence (a file and text), are submitted once, and are won with proof of delivery", async () => {
    const id = await disputedPayment();
    const dispute = (await (
      await fetch(`${sandbox.url}/disputes/${id}`, { headers: auth() })
    ).json()) as Record<string, unknown>;
    expect(dispute).toMatchObject({
      status: "evidence_required",
      amount: 2500,
      currency: "GBP",
      category: "product_not_received",
    });
    expect(Date.parse(String(dispute.evidence_required_by))).toBeGreaterThan(Date.now());
    expect((await fetch(`${sandbox.url}/disputes/${id}`)).status).toBe(401);

    expect((await upload("notes.exe", 10)).status).toBe(422);
    const file = (await (await upload("delivery.pdf", 2048)).json()) as { id: string };
    expect(file.id).toMatch(/^file_/);
    const put = (body: unknown) =>
      fetch(`${sandbox.url}/disputes/${id}/evidence`, {
        method: "PUT",
        headers: { ...auth(), "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await put({ proof_of_delivery_or_service_file: "file_nope" })).status).toBe(422);
    expect((await put({ favourite_colour_text: "blue" })).status).toBe(422);
    expect(
      (
        await put({
          proof_of_delivery_or_service_file: file.id,
          proof_of_delivery_or_service_text: "Signed for on 3 Nov",
        })
      ).status,
    ).toBe(204);
    expect(
      (await fetch(`${sandbox.url}/disputes/${id}/evidence`, { method: "POST", headers: auth() })).status,
    ).toBe(204);
    expect(
      (await fetch(`${sandbox.url}/disputes/${id}/evidence`, { method: "POST", headers: auth() })).status,
    ).toBe(422);
    await sandbox.idle();
    await new Promise((r) => setTimeout(r, 150));
    await sandbox.idle();
    const decided = (await (await fetch(`${sandbox.url}/disputes/${id}`, { headers: auth() })).json()) as {
      status: string;
    };
    expect(decided.status).toBe("won");
    const types = sandbox.webhooks.events.filter((e) => e.body.includes(id)).map((e) => e.type);
    expect(types).toEqual([
      "dispute_received",
      "dispute_evidence_required",
      "dispute_evidence_submitted",
      "dispute_won",
    ]);
  });

  it("can be accepted, once, and then take no evidence", async () => {
    const id = await disputedPayment();
    const accept = () => fetch(`${sandbox.url}/disputes/${id}/accept`, { method: "POST", headers: auth() });
    expect((await accept()).status).toBe(204);
    expect((await accept()).status).toBe(422);
    const list = (await (
      await fetch(`${sandbox.url}/disputes?statuses=accepted`, { headers: auth() })
    ).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((d) => d.id)).toContain(id);
  });
});
