// Asks who pays (email, billing country: Checkout.com's risk engine and Flow want both), then mounts
// the Handoff widget from the script tag (window.Handoff) and follows the shopper to their order.
const host = document.getElementById("checkout");
const details = document.getElementById("details");
let checkout;
details.addEventListener("submit", (event) => {
  event.preventDefault();
  const customer = { email: details.email.value.trim() };
  const billing = { country: details.country.value };
  if (checkout) {
    // The widget opens a new session for the new details.
    checkout.element.customer = customer;
    checkout.element.billing = billing;
    return;
  }
  checkout = Handoff.mount(host, {
    sessionUrl: "/api/checkout/session",
    confirmUrl: "/api/checkout/confirm",
    cartId: host.dataset.cartId,
    cartUrl: host.dataset.cartUrl,
    customer,
    billing,
    onSuccess: (event) => {
      setTimeout(() => location.assign(`/orders/${encodeURIComponent(event.detail.orderId)}`), 1200);
    },
  });
});
