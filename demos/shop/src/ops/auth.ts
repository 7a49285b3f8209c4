import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

export const OPS_COOKIE = "handoff_ops";

export function tokenMatches(a: string | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

/** The ops token, as `Authorization: Bearer …` (API) or the HttpOnly cookie the login form sets (pages). */
export function isOperator(req: Request, token: string): boolean {
  const header = req.get("authorization");
  const bearer = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
  return tokenMatches(bearer, token) || tokenMatches(cookie(req, OPS_COOKIE), token);
}

export function requireOperator(token: string, mode: "api" | "page") {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isOperator(req, token)) return next();
    if (mode === "api") {
      res
        .status(401)
        .json({ error: "UNAUTHORIZED", message: "Send Authorization: Bearer <HANDOFF_OPS_TOKEN>." });
      return;
    }
    res.redirect(303, "/ops/login");
  };
}

/** Form posts must come from our own pages: with SameSite=Strict, this closes the CSRF door. */
export function sameOrigin(req: Request, res: Response, next: NextFunction): void {
  const origin = req.get("origin") ?? req.get("referer");
  const host = req.get("host");
  if (origin && host && URL.canParse(origin) && new URL(origin).host === host) {
    next();
    return;
  }
  res.status(403).json({ error: "UNAUTHORIZED", message: "Cross-site form posts are refused." });
}
