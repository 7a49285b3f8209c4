import { describe, expect, it } from "vitest";
import { ALL_SAMPLE_TYPES, sampleEvent } from "../fixtures/webhooks.js";
import { accelerateTokenOf, isDisputeEvent, isPaymentEvent, parseWebhookEvent } from "./webhook.js";

function issuePaths(input: unknown): string[] {
  const result = parseWebhookEvent(input);
  if (result.success) return [];
  return result.error.issues.map((i) => i.path.join("."));
}

describe("parseWebhookEvent", () => {
  it.each(ALL_SAMPLE_TYPES)("parses a realistic %s event", (type) => {
    const result = parseWebhookEvent(sampleEvent(type));
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
    expect(result.data?.type).toBe(type);
  });

  it("keeps webhook-only field names (last_4, line1, town_city) and mixed-type metadata", () => {
    const result = parseWebhookEvent(sampleEvent("payment_approved"));
    if (!result.success || !isPaymentEvent(result.data)) throw new Error("expected a payment event");
    const source = result.data.data.source;
    expect(source?.last_4).toBe("4242");
    expect(source?.billing_address?.town_city).toBe("London");
    expect(result.data.data.metadata).toMatchObject({ partner_id: "123989", coupon: 5 });
    expect(accelerateTokenOf(result.data)).toBe("tok_ubfj2q76miwundwlk72vxt2i7q");
  });

  it("accepts a type it has never heard of, so new Checkout.com events cannot break the receiver", () => {
    const body = {
      ...sampleEvent("payment_approved"),
      type: "payment_instrument_updated",
      data: { anything: [1] },
    };
    const result = parseWebhookEvent(body);
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(isPaymentEvent(result.data)).toBe(false);
    expect(isDisputeEvent(result.data)).toBe(false);
    expect(accelerateTokenOf(result.data)).toBeUndefined();
  });

  it("accepts the Workflows GET variant with timestamp instead of created_on", () => {
    const { created_on: _, ...rest } = sampleEvent("payment_captured");
    expect(
      parseWebhookEvent({ ...rest, timestamp: "2026-05-22T11:56:04Z", source: "gwc_notifier1" }).success,
    ).toBe(true);
  });

  it("attaches disputes to their payment", () => {
    const result = parseWebhookEvent(sampleEvent("dispute_received"));
    if (!result.success || !isDisputeEvent(result.data)) throw new Error("expected a dispute event");
    expect(result.data.data.payment_id).toBe("pay_mbabizu24mvu3mela5njyhpit4");
  });

  it("rejects a known event only when what identifies it is wrong, with the path", () => {
    const captured = sampleEvent("payment_captured") as { data: Record<string, unknown> };
    expect(
      issuePaths({ ...captured, data: { ...captured.data, id: "tok_ubfj2q76miwundwlk72vxt2i7q" } }),
    ).toEqual(["data.id"]);
    expect(issuePaths({ ...sampleEvent("payment_approved"), id: "12345" })).toEqual(["id"]);
  });

  it("takes a known event whose other fields arrive in a new format, dropping only those fields", () => {
    const captured = sampleEvent("payment_captured") as { data: Record<string, unknown> };
    const parsed = parseWebhookEvent({
      ...captured,
      version: 2,
      data: { ...captured.data, amount: "65.40", currency: "pounds", source: "card", balances: [] },
    });
    expect(parsed.success).toBe(true);
    const data = (parsed.data as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({
      id: captured.data.id,
      amount: undefined,
      currency: undefined,
      balances: undefined,
    });
    const approved = sampleEvent("payment_approved") as { data: Record<string, unknown> };
    const { response_code: _, ...noCode } = approved.data;
    expect(parseWebhookEvent({ ...approved, data: noCode }).success).toBe(true);
  });

  it.each(["payment_refunded", "payment_captured", "payment_approved", "dispute_received"])(
    "refuses a %s whose amount is negative, fractional or past 2^53, naming data.amount",
    (type) => {
      const event = sampleEvent(type) as { data: object };
      for (const amount of [-5, 12.5, 2 ** 60]) {
        const result = parseWebhookEvent({ ...event, data: { ...event.data, amount } });
        expect(result.success, `amount ${amount}`).toBe(false);
        expect(result.error?.issues[0]).toMatchObject({ path: ["data", "amount"] });
        expect(result.error?.issues[0]?.message).toMatch(/^an amount is /);
      }
      expect(parseWebhookEvent({ ...event, data: { ...event.data, amount: 0 } }).success).toBe(true);
    },
  );

  it("does not believe negative balances: they are dropped, so a refund is not taken for a full one", () => {
    const refunded = sampleEvent("payment_refunded") as { data: Record<string, unknown> };
    const balances = refunded.data.balances as Record<string, number>;
    const parsed = parseWebhookEvent({
      ...refunded,
      data: { ...refunded.data, balances: { ...balances, available_to_refund: -100 } },
    });
    expect(parsed.success).toBe(true);
    expect((parsed.data as { data: Record<string, unknown> }).data.balances).toBeUndefined();
  });

  it("rejects bodies that are not events at all", () => {
    expect(parseWebhookEvent(null).success).toBe(false);
    expect(parseWebhookEvent([1, 2]).success).toBe(false);
    expect(issuePaths({ id: "evt_caxmnvuvbe4elkbdx2imwbnjxu", data: {} })).toContain("type");
  });
});
