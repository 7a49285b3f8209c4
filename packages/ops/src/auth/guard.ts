import type { SqlClient, TrustProxy } from "@handoff/server";
import type { NextFunction, Request, Response } from "express";
import { requestOrigin } from "./client.js";
import type { Operator } from "./operators.js";
import { tokenMatchesHash, verifyPassword } from "./secrets.js";
import type { OpsSession, SqlOpsSessions } from "./sessions.js";
import { CredentialThrottle } from "./throttle.js";

export { CredentialThrottle, type CredentialThrottleOptions } from "./throttle.js";

export const SESSION_COOKIE = "handoff_ops_session";

/**
 * Where to go back after signing in: a path of this console only ("/orders/ord_x?older=5"). Anything
 * that could leave it (`//host`, a backslash, a scheme, control characters) is refused: no open redirect.
 */
export function returnPath(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 2000) return undefined;
  if (!value.startsWith("/") || value.startsWith("//") || value === "/") return undefined;
  // Browsers read a backslash as a slash, and drop tabs and newlines: "/\\host" would leave the console.
  const unsafe = (c: string) => c === "\\" || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;
  if ([...value].some(unsafe)) return undefined;
  return value;
}

/** Who is signed in, for the handlers after the guard. */
export interface Signed {
  operator: Operator;
  session?: OpsSession;
  sessionId?: string;
}

export function signed(res: Response): Signed {
  return res.locals.signed as Signed;
}

export function cookie(req: Request, name: string): string | undefined {
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

export interface GuardOptions {
  operators: Operator[];
  sessions: SqlOpsSessions;
  now: () => Date;
  /** Set `Secure` on the cookie even behind a proxy that terminates https (default: when the request is https). */
  secureCookies?: boolean;
  sessionLifetimeMs?: number;
  /**
   * Which proxies' `X-Forwarded-For` (and `X-Forwarded-Proto`) to believe (HANDOFF_TRUST_PROXY, as
   * Express's `trust proxy`): the credential throttle counts per client address. Default: the app's own
   * `trust proxy` setting (`req.ip`).
   */
  trustProxy?: TrustProxy | undefined;
  /** Count failed passwords and tokens in this database, shared by every instance. Default: this process's memory. */
  db?: SqlClient | undefined;
  /** Instead of the default throttle (10 failures per address, 30 per operator, per 15 minutes). */
  throttle?: CredentialThrottle;
}

/** Sign-in, sessions, the API's bearer tokens, and CSRF: everything that decides who may do what. */
export function createGuard(options: GuardOptions) {
  const byName = new Map(options.operators.map((o) => [o.name.toLowerCase(), o]));
  const throttle = options.throttle ?? new CredentialThrottle({ db: options.db });
  const origin = requestOrigin(options.trustProxy);
  const lifetime = options.sessionLifetimeMs ?? 12 * 3_600_000;

  /**
   * The JSON API: `Authorization: Bearer <operator's token>`, never a cookie (no cross-site request
   * can carry it). A wrong token counts against the client's address in the same budget as wrong
   * passwords: 429 with `Retry-After` once it is spent, whatever is sent next.
   */
  const requireApi = async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get("authorization");
    const token = header?.startsWith("Bearer ") ? header.slice(7) : undefined;
    if (!token) {
      // No credential at all is no guess: refused without spending the address's budget.
      res
        .status(401)
        .json({ error: "UNAUTHORIZED", message: "Send Authorization: Bearer <your operator API token>." });
      return;
    }
    const who = { client: origin.address(req) ?? "unknown" };
    const at = Date.now();
    const decision = await throttle.take(who, at);
    if (!decision.ok) {
      res
        .status(429)
        .set("retry-after", String(decision.retryAfterSeconds))
        .json({
          error: "TOO_MANY_FAILED_CREDENTIALS",
          message: `Too many wrong tokens or passwords from this address. Try again in ${decision.retryAfterSeconds} s.`,
        });
      return;
    }
    const operator = options.operators.find((o) => o.apiTokenHash && tokenMatchesHash(token, o.apiTokenHash));
    if (!operator) {
      res
        .status(401)
        .json({ error: "UNAUTHORIZED", message: "Send Authorization: Bearer <your operator API token>." });
      return;
    }
    await throttle.giveBack(who, at);
    res.locals.signed = { operator } satisfies Signed;
    next();
  };

  /** Pages: the session cookie, checked against the server-side session; otherwise to the sign-in page. */
  const requirePage = async (req: Request, res: Response, next: NextFunction) => {
    const id = cookie(req, SESSION_COOKIE);
    const session = id ? await options.sessions.get(id, options.now()) : undefined;
    const operator = session ? byName.get(session.operator.toLowerCase()) : undefined;
    if (!session || !operator || !id) {
      // A deep link (a shared order page) comes back to itself after sign-in; a form post does not.
      const back = req.method === "GET" ? returnPath(req.url) : undefined;
      res.redirect(303, `${req.baseUrl}/login${back ? `?next=${encodeURIComponent(back)}` : ""}`);
      return;
    }
    res.locals.signed = { operator, session, sessionId: id } satisfies Signed;
    next();
  };

  /** Every state-changing form: from our own origin, with this session's token. */
  const requireCsrf = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get("origin") ?? req.get("referer");
    const host = req.get("host");
    const sameOrigin = Boolean(origin && host && URL.canParse(origin) && new URL(origin).host === host);
    const given = (req.body as { _csrf?: unknown } | undefined)?._csrf;
    if (!sameOrigin || typeof given !== "string" || given !== signed(res).session?.csrf) {
      res
        .status(403)
        .json({ error: "CSRF_REFUSED", message: "This form did not come from your console session." });
      return;
    }
    next();
  };

  /** Checks a name and password; on success, a new session and its cookie. */
  async function signIn(
    req: Request,
    res: Response,
    name: string,
    password: string,
  ): Promise<{ outcome: "ok" | "wrong" } | { outcome: "throttled"; retryAfterSeconds: number }> {
    if (password === "") return { outcome: "wrong" }; // never anyone's password: no guess to count
    const operator = byName.get(name.trim().toLowerCase());
    // A name that is no operator counts against the address only: made-up names fill no table.
    const who = { client: origin.address(req) ?? "unknown", operator: operator?.name };
    const at = Date.now();
    // Counted before the password is checked, so parallel guesses cannot all pass before one fails.
    const decision = await throttle.take(who, at);
    if (!decision.ok) return { outcome: "throttled", retryAfterSeconds: decision.retryAfterSeconds };
    // Always hash something, so a wrong name takes as long as a wrong password.
    const ok = await verifyPassword(
      password,
      operator?.passwordHash ?? "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
    );
    if (!operator?.passwordHash || !ok) return { outcome: "wrong" }; // the try stays counted
    await throttle.giveBack(who, at);
    const { id } = await options.sessions.create(operator.name, options.now());
    res.cookie(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: "strict",
      secure: options.secureCookies ?? origin.secure(req),
      path: req.baseUrl || "/",
      maxAge: lifetime,
    });
    return { outcome: "ok" };
  }

  async function signOut(req: Request, res: Response): Promise<void> {
    const id = signed(res).sessionId;
    if (id) await options.sessions.end(id);
    res.clearCookie(SESSION_COOKIE, { path: req.baseUrl || "/" });
  }

  return { requireApi, requirePage, requireCsrf, signIn, signOut };
}
