// Mounts the Handoff widget from the script tag (window.Handoff), then follows the shopper to their order.
const host = document.getElementById("checkout");
Handoff.mount(host, {
  sessionUrl: "/api/checkout/session",
  confirmUrl: "/api/checkout/confirm",
  cartId: host.dataset.cartId,
  cartUrl: host.dataset.cartUrl,
  onSuccess: (result) => {
    setTimeout(() => location.assign(`/orders/${encodeURIComponent(result.orderId)}`), 1200);
  },
});
