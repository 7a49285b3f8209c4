import { formatMoney } from "@handoff/contracts/money";
import { HandoffCheckout } from "@handoff/react";
import { useEffect, useState } from "react";

interface Product {
  sku: string;
  name: string;
  unitAmount: number;
  currency: string;
  stock: number;
}

interface Cart {
  cartId: string;
  total: { amount: number; currency: string };
}

/** Catalog → cart → <HandoffCheckout>, then the shop's own order page. */
export function App() {
  const [products, setProducts] = useState<Product[]>([]);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [cart, setCart] = useState<Cart | undefined>();
  const [problem, setProblem] = useState("");

  useEffect(() => {
    fetch("/api/products")
      .then((r) => r.json())
      .then((body: { products: Product[] }) => setProducts(body.products))
      .catch(() => setProblem("The shop could not be reached."));
  }, []);

  async function checkout(event: React.FormEvent) {
    event.preventDefault();
    const items = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([sku, quantity]) => ({ sku, quantity }));
    const response = await fetch("/api/carts", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items }),
    });
    if (response.status !== 201) {
      setProblem("Choose at least one product.");
      return;
    }
    setProblem("");
    setCart((await response.json()) as Cart);
  }

  if (cart) {
    return (
      <main>
        <h1>Checkout</h1>
        <p className="total">
          Total <strong>{formatMoney(cart.total.amount, cart.total.currency)}</strong>
        </p>
        <HandoffCheckout
          sessionUrl="/api/checkout/session"
          confirmUrl="/api/checkout/confirm"
          cartId={cart.cartId}
          onSuccess={(e) => setTimeout(() => window.location.assign(`/orders/${e.detail.orderId}`), 1200)}
        />
        <p className="hint">Test card 4242 4242 4242 4242, any future date, any CVC.</p>
      </main>
    );
  }

  return (
    <main>
      <h1>Handoff demo shop (React)</h1>
      {problem && <p role="alert">{problem}</p>}
      <form onSubmit={checkout}>
        <ul className="products">
          {products.map((p) => (
            <li className="product" key={p.sku}>
              <label htmlFor={`qty-${p.sku}`}>
                <span className="name">{p.name}</span>{" "}
                <span className="price">{formatMoney(p.unitAmount, p.currency)}</span>
              </label>
              <span className="stock">{p.stock > 0 ? `${p.stock} in stock` : "Sold out"}</span>
              <input
                id={`qty-${p.sku}`}
                type="number"
                min={0}
                max={99}
                value={quantities[p.sku] ?? 0}
                disabled={p.stock === 0}
                onChange={(e) => setQuantities({ ...quantities, [p.sku]: Number(e.target.value) })}
              />
            </li>
          ))}
        </ul>
        <button type="submit">Go to checkout</button>
      </form>
      <p>
        <a href="/">The script-tag shop</a>
      </p>
    </main>
  );
}
