import { BlockList, isIP } from "node:net";

/**
 * HANDOFF_TRUST_PROXY, ready for Express's `app.set("trust proxy", …)`: `false` trusts no proxy,
 * `"loopback"` one on this machine, a number that many hops in front, a list those addresses.
 * Never `true`: that believes any client's `X-Forwarded-For`, so a shopper could pick their address
 * and slip past the per-client limits.
 */
export type TrustProxy = false | "loopback" | number | string[];

/** Names Express (proxy-addr) knows for address ranges; they may stand in a list. */
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** An IP address, or a CIDR `address/prefix` node itself accepts. */
function isAddressOrCidr(entry: string): boolean {
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^[0-9]{1,3}$/.test(prefix)) return false;
  try {
    new BlockList().addSubnet(address, Number(prefix), family === 4 ? "ipv4" : "ipv6");
    return true;
  } catch {
    return false;
  }
}

export function parseTrustProxy(value: string): { trustProxy: TrustProxy } | { problem: string } {
  const text = value.trim();
  const word = text.toLowerCase();
  if (word === "" || word === "false" || word === "0") return { trustProxy: false };
  if (word === "true") {
    return {
      problem:
        "true would believe any client's X-Forwarded-For; give the number of proxies in front (e.g. 1) or their addresses",
    };
  }
  if (/^[0-9]+$/.test(text)) {
    const hops = Number(text);
    if (hops > 255) return { problem: `must be a small hop count like 1, got ${text}` };
    return { trustProxy: hops };
  }
  if (word === "loopback") return { trustProxy: "loopback" };
  const entries = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !RANGE_NAMES.has(entry) && !isAddressOrCidr(entry));
  if (bad.length > 0) {
    return {
      problem: `${bad.map((entry) => `"${entry}"`).join(", ")} ${bad.length === 1 ? "is" : "are"} not an IP address or CIDR (e.g. 10.0.0.0/8); use false, loopback, a hop count like 1, or a comma-separated list of addresses`,
    };
  }
  return { trustProxy: entries };
}
