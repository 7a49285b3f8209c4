import express, { type Router } from "express";
import type { Health } from "../health.js";
import { answerHealth } from "./health-routes.js";

/**
 * Express router for `GET /healthz` (alive) and `GET /readyz` (ready for traffic); mount it at the root.
 *
 * @example
 * app.use(createHealthRouter(service.health));
 */
export function createHealthRouter(health: Health): Router {
  const router = express.Router();
  router.get(["/healthz", "/readyz"], async (req, res) => {
    const reply = await answerHealth(health, "GET", req.path);
    if (!reply) return void res.status(404).end();
    res
      .status(reply.status)
      .set(reply.headers ?? {})
      .json(reply.body);
  });
  return router;
}
