import type { TrustProxy } from "@handoff/server";
import express, { type Request } from "express";

/** What the console reads of a request behind proxies: who sent it, and over https or not. */
export interface RequestOrigin {
  /** The client's address (`::ffff:` stripped from IPv4-mapped ones); undefined when unknown. */
  address(req: Request): string | undefined;
  /** Whether the client's connection is https (`X-Forwarded-Proto` from a trusted proxy). */
  secure(req: Request): boolean;
}

const plain = (address: string | undefined) =>
  address?.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, "") || undefined;

/**
 * With `trustProxy` (HANDOFF_TRUST_PROXY), the console believes exactly the proxies it names,
 * whatever the app's own `trust proxy` says: a private Express app holds that setting (Express
 * compiles it, with proxy-addr, exactly as the checkout adapters do) and `req.ip` / `req.secure`
 * are read as that app would. Without it, the app's own setting decides, as before.
 */
export function requestOrigin(trustProxy: TrustProxy | undefined): RequestOrigin {
  if (trustProxy === undefined) return { address: (req) => plain(req.ip), secure: (req) => req.secure };
  const trusted = express().set("trust proxy", trustProxy);
  const asTrusted = (req: Request) => Object.create(req, { app: { value: trusted } }) as Request;
  return {
    address: (req) => plain(asTrusted(req).ip),
    secure: (req) => asTrusted(req).secure,
  };
}
