import { createHmac, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";
import { cookie, signed } from "../auth/guard.js";

const NOTICE_COOKIE = "handoff_ops_notice";

export interface Notice {
  text: string;
  error?: boolean;
}

const seal = (payload: string, key: string) => createHmac("sha256", key).update(payload).digest("base64url");

/**
 * After a form, back to `path` with a banner saying how it went. The banner travels in a short-lived
 * cookie sealed with this session's secret, never in the address: a link cannot put words on a
 * trusted page, and another session cannot read or forge it.
 */
export function back(res: Response, path: string, ok: boolean, text: string): void {
  const key = signed(res).session?.csrf;
  if (key) {
    const payload = Buffer.from(JSON.stringify({ text: text.slice(0, 400), error: !ok })).toString(
      "base64url",
    );
    res.cookie(NOTICE_COOKIE, `${payload}.${seal(payload, key)}`, {
      httpOnly: true,
      sameSite: "strict",
      secure: res.req.secure,
      path: res.req.baseUrl || "/",
      maxAge: 60_000,
    });
  }
  res.redirect(303, path);
}

/** The banner `back` left for this session, read once. */
export function takeNotice(req: Request, res: Response): Notice | undefined {
  const value = cookie(req, NOTICE_COOKIE);
  if (!value) return undefined;
  res.clearCookie(NOTICE_COOKIE, { path: req.baseUrl || "/" });
  const key = signed(res).session?.csrf;
  const [payload, mac] = value.split(".");
  if (!key || !payload || !mac) return undefined;
  const expected = Buffer.from(seal(payload, key));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const notice = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Notice;
    return typeof notice.text === "string" ? { text: notice.text, error: notice.error === true } : undefined;
  } catch {
    return undefined;
  }
}
