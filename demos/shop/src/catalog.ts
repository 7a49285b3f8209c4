import type { Product } from "@handoff/server";

/** The demo catalog. The signed print has one in stock, to show what happens to the second buyer. */
export const CATALOG: Product[] = [
  { sku: "mug", name: "Enamel camp mug", unitAmount: 1450, currency: "GBP", stock: 50 },
  { sku: "poster", name: "Risograph city poster", unitAmount: 2200, currency: "GBP", stock: 25 },
  { sku: "tote", name: "Heavy canvas tote", unitAmount: 1800, currency: "GBP", stock: 40 },
  { sku: "print", name: "Signed print (last one)", unitAmount: 9900, currency: "GBP", stock: 1 },
];
