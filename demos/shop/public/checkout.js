// Asks who pays (email, billing country: Checkout.com's risk engine and Flow want both), then mounts
// the Handoff widget from the script tag (window.Handoff) and follows the shopper to their order.
const host = document.getElementById("checkout");
const details = document.getElementById("details");
const proceed = details.querySelector("button[type=submit]");
let checkout;
const who = () => ({
  customer: { email: details.email.value.trim() },
  billing: { country: details.country.value },
});
details.addEventListener("submit", (event) => {
  event.preventDefault();
  if (checkout) return;
  const { customer, billing } = who();
  checkout = Handoff.mount(host, {
    sessionUrl: "/api/checkout/session",
    confirmUrl: "/api/checkout/confirm",
    cartId: host.dataset.cartId,
    cartUrl: host.dataset.cartUrl,
    customer,
    billing,
    // The card form is the next step: "Continue to payment" has done its job.
    onReady: () => {
      proceed.hidden = true;
    },
    onSuccess: (event) => {
      setTimeout(() => location.assign(`/orders/${encodeURIComponent(event.detail.orderId)}`), 1200);
    },
  });
});
// Details changed after the card form appeared: the widget opens a new session for them.
details.addEventListener("change", () => {
  if (!checkout || !details.checkValidity()) return;
  const { customer, billing } = who();
  checkout.element.customer = customer;
  checkout.element.billing = billing;
});
