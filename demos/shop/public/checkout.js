// Asks who pays (email, billing country: Checkout.com's risk engine and Flow want both), then mounts
// the Handoff widget from the script tag (window.Handoff) and follows the shopper to their order.
// Details the server already keeps for this cart (a shopper back from a failed 3-D Secure, a
// reload) are filled in by the page, and the card form opens at once.
// Back from the order page, the browser may show this page as it was left (the card form, "Payment
// successful"): ask the server again, which says the cart is paid and leads to the order.
window.addEventListener("pageshow", (event) => {
  if (event.persisted) location.reload();
});
const host = document.getElementById("checkout");
const details = document.getElementById("details");
const proceed = details.querySelector("button[type=submit]");
let checkout;
const who = () => ({
  customer: { email: details.email.value.trim() },
  billing: { country: details.country.value },
});

function start() {
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
}

// The page says why the last payment failed at the top, where a phone shows it at once. The widget
// repeats that reason by its Pay button: its copy stays hidden until the shopper acts there, and
// the page's goes once they pay again (it speaks of the last payment, not the next).
const problem = document.getElementById("payment-problem");
if (problem) {
  host.classList.add("reason-above");
  const handOver = () => host.classList.remove("reason-above");
  for (const name of ["click", "handoff-error", "handoff-decline"]) host.addEventListener(name, handOver);
  host.addEventListener("handoff-tokenized", () => {
    handOver();
    problem.hidden = true;
  });
}

details.addEventListener("submit", (event) => {
  event.preventDefault();
  start();
});
// Details changed after the card form appeared: the widget opens a new session for them.
details.addEventListener("change", () => {
  if (!checkout || !details.checkValidity()) return;
  const { customer, billing } = who();
  checkout.element.customer = customer;
  checkout.element.billing = billing;
});
if (details.email.value && details.checkValidity()) start();
