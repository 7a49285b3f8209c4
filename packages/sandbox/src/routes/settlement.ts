import { Hono } from "hono";
import { respond, type SandboxEnv } from "../http/env.js";
import { keyMatches, secretKey } from "../http/middleware.js";
import { notFound } from "../payments/api-result.js";
import type { SandboxRuntime } from "../runtime.js";

/**
 * Financial actions, reports and balances. Balances live on their own host at Checkout.com
 * (`balances.checkout.com`); the sandbox answers them on its one origin.
 */
export function settlementRoutes(rt: SandboxRuntime): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const secret = secretKey((h) => keyMatches(h, rt.keys.secretKey) || rt.accessTokens.valid(h));
  const params = (url: string) => new URL(url).searchParams;

  app.get("/financial-actions", secret, (c) => respond(c, rt.settlement.query(params(c.req.url))));
  app.get("/reports", secret, (c) => respond(c, rt.settlement.listReports(params(c.req.url))));
  app.get("/reports/:id", secret, (c) => respond(c, rt.settlement.getReport(c.req.param("id"))));
  app.get("/reports/:id/files/:fileId", secret, (c) => {
    const file = rt.settlement.reportFile(c.req.param("id"), c.req.param("fileId"));
    if (!file) return respond(c, notFound());
    return c.body(file.csv, 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${file.filename}"`,
    });
  });
  app.get("/balances/:entityId", secret, (c) =>
    respond(c, rt.settlement.balances(c.req.param("entityId"), params(c.req.url))),
  );
  return app;
}
