// The page's only code: ask the server for a cart, then mount the widget from the script tag.
fetch("/cart", { method: "POST" })
  .then((response) => response.json())
  .then(({ cartId }) => {
    window.Handoff.mount("#checkout", {
      sessionUrl: "/api/checkout/session",
      confirmUrl: "/api/checkout/confirm",
      cartId,
      onSuccess: (event) => location.assign(`/orders/${encodeURIComponent(event.detail.orderId)}`),
    });
  });
