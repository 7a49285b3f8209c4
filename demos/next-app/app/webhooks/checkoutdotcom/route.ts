import { shop } from "../../../lib/shop";

// Checkout.com's webhooks: verified on the raw bytes, stored, then processed by the shop's worker.
export async function POST(request: Request): Promise<Response> {
  return (await shop()).webhook(request);
}
