import { createFetchHandoffHandler } from "@handoff/server/fetch";
import { shop } from "../../../../lib/shop";

// POST /api/checkout/session, POST /api/checkout/confirm, GET /api/checkout/3ds-return.
async function checkout(request: Request): Promise<Response> {
  const { handoff } = await shop();
  const handle = createFetchHandoffHandler(handoff, {
    basePath: "/api/checkout",
    // Behind your own proxy only: the per-client card-testing limit keys on it.
    clientAddress: (r) => r.headers.get("x-forwarded-for")?.split(",")[0]?.trim(),
  });
  return handle(request);
}

export const GET = checkout;
export const POST = checkout;
