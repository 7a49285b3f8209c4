import ipaddr from "ipaddr.js";

/**
 * Names a merchant may allow besides CIDRs, as HANDOFF_TRUST_PROXY (and Express's `trust proxy`)
 * spell them; `uniquelocal` covers the private IPv4 ranges too, as it does there.
 */
const NAMED_NETWORKS: Record<string, readonly string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  cgnat: ["100.64.0.0/10"],
};

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parses an allow list; the entry at fault is named in the thrown error. */
export function parseAllowList(entries: readonly string[]): Cidr[] {
  const cidrs: Cidr[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const named = NAMED_NETWORKS[entry.toLowerCase()];
    const ranges = named ?? [entry.includes("/") ? entry : `${entry}/${entry.includes(":") ? 128 : 32}`];
    for (const range of ranges) {
      if (!ipaddr.isValidCIDR(range))
        throw new Error(
          `"${entry}" is neither a CIDR, an address, nor one of ${Object.keys(NAMED_NETWORKS).join(", ")}`,
        );
      const [address, bits] = ipaddr.parseCIDR(range);
      cidrs.push(
        address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
          ? [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, bits - 96)]
          : [address, bits],
      );
    }
  }
  return cidrs;
}

/** HANDOFF_DESTINATIONS_ALLOW, comma-separated; a problem names the entry at fault. */
export function parseDestinationsAllow(value: string | undefined): { allow: string[] } | { problem: string } {
  const allow = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    parseAllowList(allow);
    return { allow };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
