"use client";
import { HandoffCheckout } from "@handoff/react";
import { useRouter } from "next/navigation";

// #region client
export function Checkout({ cartId }: { cartId: string }) {
  const router = useRouter();
  return (
    <HandoffCheckout
      sessionUrl="/api/checkout/session"
      confirmUrl="/api/checkout/confirm"
      cartId={cartId}
      onSuccess={(e) => router.push(`/orders/${encodeURIComponent(e.detail.orderId)}`)}
      onDecline={(e) => console.info("declined:", e.detail.message)}
    />
  );
}
// #endregion
