import { shop } from "../../../../lib/shop";

// POST /api/checkout/session, POST /api/checkout/confirm, GET /api/checkout/3ds-return.
async function checkout(request: Request): Promise<Response> {
  return (await shop()).checkout(request);
}

export const GET = checkout;
export const POST = checkout;
