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
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join("="));
    } catch {
      return undefined; // a malformed cookie is no cookie, never a 500
    }
  }
  return undefined;
}

function bearer(req: Request): string | undefined {
  const header = req.get("authorization");
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}

/**
 * The JSON API takes the bearer token only: a browser attaches cookies to cross-site requests, never
 * an Authorization header, so no page elsewhere can act through an operator's session. Pages take
 * the HttpOnly cookie the login form sets.
 */
export function isOperator(req: Request, token: string, mode: "api" | "page" = "page"): boolean {
  if (mode === "api") return tokenMatches(bearer(req), token);
  return tokenMatches(cookie(req, OPS_COOKIE), token) || tokenMatches(bearer(req), token);
}

export function requireOperator(token: string, mode: "api" | "page") {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isOperator(req, token, mode)) return next();
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

/**
 * Failed sign-ins per client: after `limit` in `windowMs` every try is refused until the window has
 * passed, the right token included, so guessing cannot run at machine speed.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blocked(client: string, now = Date.now()): boolean {
    const recent = (this.failures.get(client) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length === 0) this.failures.delete(client);
    else this.failures.set(client, recent);
    return recent.length >= this.limit;
  }

  failed(client: string, now = Date.now()): void {
    const recent = (this.failures.get(client) ?? []).filter((t) => t > now - this.windowMs);
    recent.push(now);
    this.failures.set(client, recent);
    if (this.failures.size > 10_000) this.failures.clear();
  }
}
