import { formatMoney } from "@handoff/contracts/money";
import { HandoffCheckout } from "@handoff/react";
import { useEffect, useRef, useState } from "react";

interface Product {
  sku: string;
  name: string;
  unitAmount: number;
  currency: string;
  stock: number;
}

interface Cart {
  cartId: string;
  lines: Array<{ sku: string; name: string; quantity: number; unitAmount: number; amount: number }>;
  total: { amount: number; currency: string };
}

/** Who pays, as the widget sends it with the session. One object per answer, so the session opens once. */
interface Payer {
  customer: { email: string };
  billing: { country: string };
}

/** The checkout step lives at #checkout, so the browser's Back returns to the cart. */
const onCheckout = () => window.location.hash === "#checkout";

/** Catalog → cart → who pays → <HandoffCheckout>, then the shop's own order page. */
export function App() {
  const [products, setProducts] = useState<Product[]>([]);
  const [countries, setCountries] = useState<Array<{ code: string; name: string }>>([]);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [cart, setCart] = useState<Cart | undefined>();
  const [payer, setPayer] = useState<Payer | undefined>();
  const [problem, setProblem] = useState("");
  const [checkingOut, setCheckingOut] = useState(onCheckout);

  useEffect(() => {
    Promise.all([fetch("/api/products"), fetch("/api/countries")])
      .then(([p, c]) => Promise.all([p.json(), c.json()]))
      .then(([p, c]: [{ products: Product[] }, { countries: Array<{ code: string; name: string }> }]) => {
        setProducts(p.products);
        setCountries(c.countries);
      })
      .catch(() => setProblem("The shop could not be reached."));
  }, []);

  useEffect(() => {
    const follow = () => setCheckingOut(onCheckout());
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);

  const shown = useRef(checkingOut);
  useEffect(() => {
    // Between cart and checkout, focus starts at the new step's heading (not on the first load).
    if (shown.current !== checkingOut) document.querySelector<HTMLElement>("main h1")?.focus();
    shown.current = checkingOut;
  }, [checkingOut]);

  async function checkout(event: React.FormEvent) {
    event.preventDefault();
    const items = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([sku, quantity]) => ({ sku, quantity }));
    // The same cart, changed: one cart is one order, however often the shopper edits it.
    const response = await fetch(cart ? `/api/carts/${encodeURIComponent(cart.cartId)}` : "/api/carts", {
      method: cart ? "PUT" : "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items }),
    });
    const body = (await response.json()) as Cart & { message?: string };
    if (!response.ok) {
      setProblem(
        response.status === 400 ? "Choose at least one product." : (body.message ?? "Please try again."),
      );
      return;
    }
    setProblem("");
    setCart(body);
    window.location.hash = "checkout";
  }

  function givePayer(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPayer({
      customer: { email: String(form.get("email") ?? "").trim() },
      billing: { country: String(form.get("country") ?? "GB") },
    });
  }

  if (cart && checkingOut) {
    const money = (minor: number) => formatMoney(minor, cart.total.currency);
    return (
      <main>
        <h1 tabIndex={-1}>Checkout</h1>
        <table className="items">
          <caption>Your cart</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {cart.lines.map((l) => (
              <tr key={l.sku}>
                <th scope="row">{l.name}</th>
                <td className="num">{l.quantity}</td>
                <td className="num">{money(l.unitAmount)}</td>
                <td className="num">{money(l.amount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td className="num">{money(cart.total.amount)}</td>
            </tr>
          </tfoot>
        </table>
        <p>
          <a href="#cart">Edit cart</a>
        </p>
        <form id="details" className="details" onSubmit={givePayer}>
          <label htmlFor="email">Email for your receipt</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={payer?.customer.email ?? ""}
          />
          <label htmlFor="country">Billing country</label>
          <select
            id="country"
            name="country"
            autoComplete="country"
            required
            defaultValue={payer?.billing.country ?? "GB"}
          >
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="submit">{payer ? "Update details" : "Continue to payment"}</button>
        </form>
        {payer && (
          <HandoffCheckout
            sessionUrl="/api/checkout/session"
            confirmUrl="/api/checkout/confirm"
            cartId={cart.cartId}
            cartUrl="#cart"
            customer={payer.customer}
            billing={payer.billing}
            onSuccess={(e) => setTimeout(() => window.location.assign(`/orders/${e.detail.orderId}`), 1200)}
          />
        )}
        <p className="hint">Test card 4242 4242 4242 4242, any future date, any CVC.</p>
      </main>
    );
  }

  return (
    <main>
      <h1 tabIndex={-1}>Handoff demo shop (React)</h1>
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
                disabled={p.stock === 0 && !quantities[p.sku]}
                onChange={(e) => setQuantities({ ...quantities, [p.sku]: Number(e.target.value) })}
              />
            </li>
          ))}
        </ul>
        <button type="submit">{cart ? "Update cart and check out" : "Go to checkout"}</button>
      </form>
      <p>
        <a href="/">The script-tag shop</a>
      </p>
    </main>
  );
}
