import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../test-support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("ids in Checkout.com's URL paths", () => {
  it("stay one path segment: an id that climbs to another resource finds nothing", async () => {
    const paymentId = (
      h.sandbox.payments.createPayment({
        source: { type: "token", token: await h.token() },
        amount: 1000,
        currency: "GBP",
        reference: "ord_paths",
      }).body as { id: string }
    ).id;
    const { processor } = h.deps;
    expect((await processor.getPayment(paymentId)).kind).toBe("found");
    expect((await processor.getDispute(`../payments/${paymentId}`)).kind).not.toBe("found");
    const dispute = h.sandbox.disputes.open(h.sandbox.payments.payments.get(paymentId)!, {});
    expect((await processor.getPayment(`../disputes/${dispute.id}`)).kind).not.toBe("found");
    // Accepting through a climbing id must not accept the dispute it climbs to.
    await processor.acceptDispute(`../disputes/${dispute.id}`);
    expect(h.sandbox.disputes.disputes.get(dispute.id)?.status).toBe("evidence_required");
  });
});
