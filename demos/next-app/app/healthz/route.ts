import { shop } from "../../lib/shop";

// A load balancer's probe: /healthz (alive), /readyz (database, migrations, background work).
export async function GET(request: Request): Promise<Response> {
  return (await shop()).health(request);
}

export const dynamic = "force-dynamic";
