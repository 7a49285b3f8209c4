import { shop } from "../lib/shop";
import { Checkout } from "./checkout";

// A new cart per visit: never prerendered.
export const dynamic = "force-dynamic";

export default async function Page() {
  const inventory = (await shop()).service.catalog;
  const cart = await inventory.createCart([{ sku: "mug", quantity: 1 }]);
  if (!cart.ok) return <p>Sold out.</p>;
  return (
    <>
      <h1>One mug, £14.50</h1>
      <Checkout cartId={cart.cart.cartId} />
    </>
  );
}
