import proxyaddr from "proxy-addr";
import type { TrustProxy } from "../config/trust-proxy.js";

/** Which hops to believe, compiled once per adapter: `(address, hop) => trusted`, as Express keeps it. */
export type TrustedHop = (address: string, hop: number) => boolean;

/**
 * HANDOFF_TRUST_PROXY as Express's `trust proxy` compiles it: a hop count trusts that many hops
 * nearest the server whatever their address; `loopback` and address lists trust the hops that
 * are those addresses (proxy-addr's ranges: `loopback`, `linklocal`, `uniquelocal`, CIDRs).
 */
export function compileTrust(trustProxy: TrustProxy | undefined): TrustedHop {
  if (trustProxy === undefined || trustProxy === false) return () => false;
  if (typeof trustProxy === "number") return (_address, hop) => hop < trustProxy;
  return proxyaddr.compile(trustProxy);
}

/** `::ffff:203.0.113.7` (IPv4 on a dual-stack socket) is `203.0.113.7`: one shopper, one key. */
function plain(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, "");
}

/**
 * The shopper's address, with Express's `req.ip` semantics: start at the socket's peer and walk
 * `X-Forwarded-For` from its right end (the entries the nearest proxy added) for as long as the hop
 * is trusted; the first untrusted one is the client. With `trustProxy` false (or unset) the header
 * is never read: a client can write anything in it. The address keys the per-client card-testing
 * limit and the ops sign-in throttle, and is sent to Checkout.com as `payment_ip`.
 *
 * `remoteAddress` may be unknown (a fetch runtime that does not say): only a hop count then
 * trusts the header.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | readonly string[] | null | undefined,
  trustProxy: TrustProxy | TrustedHop | undefined,
): string | undefined {
  const trust = typeof trustProxy === "function" ? trustProxy : compileTrust(trustProxy);
  const header = typeof forwardedFor === "string" ? forwardedFor : forwardedFor?.join(", ");
  // proxy-addr reads a node:http request; this is all of one it looks at.
  const request = {
    headers: header ? { "x-forwarded-for": header } : {},
    socket: { remoteAddress },
  } as unknown as Parameters<typeof proxyaddr>[0];
  return plain(proxyaddr(request, trust));
}
