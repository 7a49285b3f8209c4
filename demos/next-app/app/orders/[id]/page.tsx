import { shop } from "../../../lib/shop";

export const dynamic = "force-dynamic";

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const order = await (await shop()).service.deps.store.getOrder(id);
  if (!order) return <p>No such order.</p>;
  return (
    <p>
      Order {order.id}: {order.status}
    </p>
  );
}
