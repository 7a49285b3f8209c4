import { createSandbox } from "@handoff/sandbox";

/** A sandbox in its own process for benchmarks, with in-process helpers to make tokens and fill it. */
const sandbox = createSandbox({ captureDelayMs: 3_600_000 });
const url = await sandbox.listen();
const card = { type: "card", number: "4242424242424242", expiry_month: 12, expiry_year: 2040 };
const newToken = () => (sandbox.payments.createToken(card).body as { token: string }).token;

process.on("message", async (message: { type: string; count?: number; total?: number }) => {
  if (message.type === "tokens") {
    process.send?.({ type: "tokens", tokens: Array.from({ length: message.count ?? 0 }, newToken) });
  } else if (message.type === "fill") {
    const started = performance.now();
    while (sandbox.payments.payments.size < (message.total ?? 0)) {
      const token = newToken();
      sandbox.payments.createPayment({
        source: { type: "token", token },
        amount: 1000,
        currency: "GBP",
        capture: false,
        reference: `fill_${sandbox.payments.payments.size}`,
        metadata: { AccelerateToken: token },
      });
    }
    process.send?.({
      type: "fill",
      ms: performance.now() - started,
      payments: sandbox.payments.payments.size,
    });
  } else if (message.type === "disputes") {
    // Captured payments, each disputed by the cardholder's bank: what the ops disputes list shows.
    for (let n = 0; n < (message.count ?? 0); n++) {
      const token = newToken();
      const created = sandbox.payments.createPayment({
        source: { type: "token", token },
        amount: 1450,
        currency: "GBP",
        reference: `disputed_${n}`,
        metadata: { AccelerateToken: token },
      });
      const payment = sandbox.payments.find(String((created.body as { id: string }).id));
      if (payment) sandbox.disputes.open(payment);
    }
    process.send?.({ type: "disputes", disputes: sandbox.disputes.disputes.size });
  } else if (message.type === "stop") {
    await sandbox.close();
    process.exit(0);
  }
});
process.send?.({ type: "ready", url, secretKey: sandbox.keys.secretKey });
