// Keeps the order status live: the webhook may land a moment after the shopper does.
const el = document.getElementById("order-status");
const FINAL = new Set(["captured", "refunded", "declined", "voided", "canceled", "expired"]);
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
  setTimeout(poll, 1000);
}
if (!FINAL.has(el.dataset.status)) poll();
