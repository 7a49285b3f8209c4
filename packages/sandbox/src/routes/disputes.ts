import { Hono } from "hono";
import { jsonBody, respond, type SandboxEnv } from "../http/env.js";
import { keyMatches, secretKey } from "../http/middleware.js";
import { apiError } from "../payments/api-result.js";
import type { SandboxRuntime } from "../runtime.js";

/** Disputes and the files their evidence refers to (Checkout.com's Disputes and Files APIs). */
export function disputeRoutes(rt: SandboxRuntime): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const secret = secretKey((h) => keyMatches(h, rt.keys.secretKey) || rt.accessTokens.valid(h));

  app.get("/disputes", secret, (c) => respond(c, rt.disputes.list(new URL(c.req.url).searchParams, rt.url)));
  app.get("/disputes/:id", secret, (c) => respond(c, rt.disputes.get(c.req.param("id"), rt.url)));
  app.post("/disputes/:id/accept", secret, (c) => respond(c, rt.disputes.accept(c.req.param("id"))));
  app.get("/disputes/:id/evidence", secret, (c) => respond(c, rt.disputes.evidence(c.req.param("id"))));
  app.put("/disputes/:id/evidence", secret, async (c) =>
    respond(c, rt.disputes.provideEvidence(c.req.param("id"), await jsonBody(c))),
  );
  app.post("/disputes/:id/evidence", secret, (c) => respond(c, rt.disputes.submit(c.req.param("id"))));

  app.post("/files", secret, async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.startsWith("multipart/form-data")) return respond(c, apiError(422, ["file_required"]));
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      return respond(c, apiError(422, ["file_required"]));
    }
    const file = form.get("file");
    if (!file || typeof file === "string") return respond(c, apiError(422, ["file_required"]));
    return respond(
      c,
      rt.disputes.upload({ filename: file.name, size: file.size }, String(form.get("purpose") ?? ""), rt.url),
    );
  });
  return app;
}
