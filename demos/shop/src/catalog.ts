import type { Product } from "@handoff/server";

/** The demo catalog. The signed print has one in stock, to show what happens to the second buyer. */
export const CATALOG: Product[] = [
  { sku: "mug", name: "Enamel camp mug", unitAmount: 1450, currency: "GBP", stock: 50 },
  { sku: "poster", name: "Risograph city poster", unitAmount: 2200, currency: "GBP", stock: 25 },
  { sku: "tote", name: "Heavy canvas tote", unitAmount: 1800, currency: "GBP", stock: 40 },
  { sku: "print", name: "Signed print (last one)", unitAmount: 9900, currency: "GBP", stock: 1 },
];

/**
 * Billing countries the demo offers (ISO 3166 alpha-2, then the name shoppers read); Checkout.com's
 * risk engine and Flow want one on every session. Both storefronts ask from this list.
 */
export const BILLING_COUNTRIES: Array<{ code: string; name: string }> = [
  { code: "GB", name: "United Kingdom" },
  { code: "IE", name: "Ireland" },
  { code: "FR", name: "France" },
  { code: "DE", name: "Germany" },
  { code: "ES", name: "Spain" },
  { code: "NL", name: "Netherlands" },
  { code: "US", name: "United States" },
];
