// Keeps the order page following the order: webhooks land after the shopper does, and refunds and
// disputes can come days later. The server words every sentence; this only puts them in place.
const el = document.getElementById("order-status");
const money = document.getElementById("order-money");
const next = document.getElementById("order-next");
const action = document.getElementById("order-action");
// Only these can never change again: captured orders can still be refunded or disputed, and a
// declined one paid from the checkout with another card.
const FINAL = new Set(["voided", "canceled", "expired"]);
const SETTLED = new Set(["captured", "partially_refunded", "needs_review", "refunded", "declined"]);

function show(order) {
  el.dataset.status = order.status;
  if (el.textContent !== order.label) el.textContent = order.label;
  if (money.textContent !== (order.money ?? "")) money.textContent = order.money ?? "";
  money.hidden = !order.money;
  if (next.textContent !== order.next) next.textContent = order.next;
  const link = action.querySelector("a");
  if (!order.action) action.hidden = true;
  else if (
    !link ||
    link.getAttribute("href") !== order.action.href ||
    link.textContent !== order.action.text
  ) {
    const a = document.createElement("a");
    a.href = order.action.href;
    a.textContent = order.action.text;
    action.replaceChildren(a);
    action.hidden = false;
  }
}

async function poll() {
  try {
    const response = await fetch(`/api/orders/${encodeURIComponent(el.dataset.orderId)}`, {
      headers: { accept: "application/json" },
    });
    if (response.ok) {
      const order = await response.json();
      show(order);
      if (FINAL.has(order.status)) return;
    }
  } catch {
    // offline for a moment: try again
  }
  // Quick while the payment settles, then calmer once it has.
  setTimeout(poll, SETTLED.has(el.dataset.status) ? 3000 : 1000);
}
if (!FINAL.has(el.dataset.status)) poll();
