// Keeps the order status live: webhooks land after the shopper does, and refunds can come days later.
const el = document.getElementById("order-status");
// Only these can never change again; captured and partly refunded orders can still be refunded.
const FINAL = new Set(["refunded", "declined", "voided", "canceled", "expired"]);
const SETTLED = new Set(["captured", "partially_refunded", "needs_review"]);
async function poll() {
  try {
    const response = await fetch(`/api/orders/${encodeURIComponent(el.dataset.orderId)}`, {
      headers: { accept: "application/json" },
    });
    if (response.ok) {
      const order = await response.json();
      if (order.status !== el.dataset.status) {
        el.dataset.status = order.status;
        el.textContent = order.label;
      }
      if (FINAL.has(order.status)) return;
    }
  } catch {
    // offline for a moment: try again
  }
  // Quick while the payment settles, then calmer once it has.
  setTimeout(poll, SETTLED.has(el.dataset.status) ? 3000 : 1000);
}
if (!FINAL.has(el.dataset.status)) poll();
