import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector } from "undici";
import { type Cidr, parseAllowList } from "../config/destinations-allow.js";

export interface DestinationNetworkOptions {
  /**
   * Networks destinations may reach besides the public internet: CIDRs (`10.1.0.0/16`), single
   * addresses, or the names `loopback`, `linklocal`, `uniquelocal`, `cgnat` (HANDOFF_DESTINATIONS_ALLOW).
   */
  allow?: readonly string[];
  /** Loopback too: local mode, where the demo's own receivers listen on 127.0.0.1. */
  allowLoopback?: boolean;
  /** How long a name may take to resolve when a destination is saved. Default 3 s. */
  resolveTimeoutMs?: number;
  /** Resolves a host name to its addresses; default the system's resolver (`dns.lookup`, all of them). */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

/** A destination's address is not one it may reach; the ops API answers 400 with `code`. */
export class DestinationRefusedError extends Error {
  override name = "DestinationRefusedError";
  readonly code = "DESTINATION_NOT_ALLOWED";
  /** For Express's error handler and others that read it: the caller's mistake. */
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
}

/**
 * Where outbox destinations may connect: the public internet (global unicast) and whatever the
 * merchant allows. Loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade
 * NAT, unique-local, unspecified, multicast, reserved, every other block of the IPv6 special-purpose
 * registry, IPv6 outside global unicast (2000::/3), and the IPv6 forms that embed an IPv4 address
 * (6to4, Teredo, NAT64) are refused unless allowed; IPv4-mapped and IPv4-compatible addresses are
 * judged as the IPv4 address they carry. Checked when a destination is saved and again on every
 * connection, against the address actually connected to, so a name that resolves differently later
 * (DNS rebinding) cannot reach what the check refused.
 */
export class DestinationNetwork {
  private readonly allowed: Cidr[];
  private readonly resolveTimeoutMs: number;
  private readonly resolveName: (host: string) => Promise<LookupAddress[]>;
  private agent: Agent | undefined;

  constructor(options: DestinationNetworkOptions = {}) {
    this.allowed = parseAllowList([...(options.allow ?? []), ...(options.allowLoopback ? ["loopback"] : [])]);
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? 3000;
    this.resolveName = options.resolve ?? ((host) => lookup(host, { all: true }));
  }

  /** Why `address` may not be reached; undefined when it may. */
  refusal(address: string): string | undefined {
    const bare = address.replace(/^\[|\]$/g, "");
    if (!ipaddr.isValid(bare)) return "is not an IP address";
    const ip = asJudged(bare);
    if (this.allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return undefined;
    const range = rangeOf(ip);
    if (range === "unicast") return undefined;
    return `is not on the public internet (${range}); allow its network in HANDOFF_DESTINATIONS_ALLOW to use it`;
  }

  /**
   * At save: the URL's host, and every address its name resolves to now, must be allowed. A name
   * that does not resolve yet is accepted: each connection checks again.
   */
  async check(url: string): Promise<void> {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      throw new DestinationRefusedError("The URL is not valid.");
    }
    if (isIP(host.replace(/^\[|\]$/g, ""))) {
      const why = this.refusal(host);
      if (why) throw new DestinationRefusedError(`The destination's address ${why}.`);
      return;
    }
    const addresses = await this.resolve(host);
    for (const { address } of addresses) {
      const why = this.refusal(address);
      if (why) throw new DestinationRefusedError(`${host} resolves to an address that ${why}.`);
    }
  }

  private resolve(host: string): Promise<LookupAddress[]> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<LookupAddress[]>((done) => {
      timer = setTimeout(() => done([]), this.resolveTimeoutMs);
    });
    return Promise.race([this.resolveName(host).catch(() => []), late]).finally(() => clearTimeout(timer));
  }

  /**
   * The undici dispatcher deliveries go through: it connects only to addresses `refusal` allows,
   * checking literal hosts before connecting and names as they resolve, then connects to exactly
   * the address it checked.
   */
  dispatcher(): Agent {
    this.agent ??= new Agent({ connect: this.connector(), keepAliveTimeout: 10_000 });
    return this.agent;
  }

  /** Closes the pooled connections (the outbox worker is stopping). */
  async close(): Promise<void> {
    const agent = this.agent;
    this.agent = undefined;
    await agent?.close().catch(() => undefined);
  }

  private connector(): buildConnector.connector {
    // Resolved once per connection, checked, and what was checked is what the socket connects to.
    const checkedLookup: LookupFunction = (hostname, options, callback) => {
      this.resolveName(hostname).then(
        (found) => {
          const addresses = options.family ? found.filter((a) => a.family === options.family) : found;
          if (addresses.length === 0 || addresses.some((a) => this.refusal(a.address))) {
            return callback(refusedError(`${hostname} resolves to an address that is not allowed`), "", 0);
          }
          if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
          const first = addresses[0] as LookupAddress;
          callback(null, first.address, first.family);
        },
        (error: NodeJS.ErrnoException) => callback(error, "", 0),
      );
    };
    const base = buildConnector({ lookup: checkedLookup });
    return (options, callback) => {
      const literal = options.hostname.replace(/^\[|\]$/g, "");
      if (isIP(literal) && this.refusal(literal)) {
        return callback(refusedError(`${literal} is not an allowed address`), null);
      }
      base(options, callback);
    };
  }
}

/** IPv4-compatible IPv6 (deprecated by RFC 4291): the last 32 bits are an IPv4 address. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");
/** IANA assigns global unicast from 2000::/3 alone; the rest ipaddr.js calls unicast is reserved. */
const GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

/**
 * The address to judge: IPv6 that carries an IPv4 address to reach (mapped ::ffff:a.b.c.d, and
 * IPv4-compatible ::a.b.c.d, which ipaddr.js maps only when written with dots) is that IPv4 address.
 */
function asJudged(bare: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const ip = ipaddr.process(bare);
  // :: and ::1 sit in ::/96 too, but are IPv6's own unspecified and loopback.
  if (ip.kind() === "ipv6" && ip.range() === "unicast" && ip.match(IPV4_COMPATIBLE))
    return ipaddr.fromByteArray(ip.toByteArray().slice(12));
  return ip;
}

/** ipaddr.js's name for the address's special-purpose range, or "unicast" for the public internet. */
function rangeOf(ip: ipaddr.IPv4 | ipaddr.IPv6): string {
  const range = ip.range();
  if (range === "unicast" && ip.kind() === "ipv6" && !ip.match(GLOBAL_UNICAST)) return "reserved";
  return range;
}

function refusedError(message: string): Error {
  return Object.assign(new Error(`destination refused: ${message}`), { code: "DESTINATION_NOT_ALLOWED" });
}
