import express from "express";
import { describe, expect, it } from "vitest";
import type { TrustProxy } from "../config/trust-proxy.js";
import { clientAddress, compileTrust } from "./client-address.js";

describe("clientAddress", () => {
  it("without trust, is the socket's peer, whatever X-Forwarded-For claims", () => {
    expect(clientAddress("203.0.113.7", "198.51.100.1", false)).toBe("203.0.113.7");
    expect(clientAddress("203.0.113.7", "198.51.100.1", undefined)).toBe("203.0.113.7");
    expect(clientAddress("127.0.0.1", "198.51.100.1, 198.51.100.2", false)).toBe("127.0.0.1");
    expect(clientAddress(undefined, "198.51.100.1", false)).toBeUndefined();
  });

  it("strips ::ffff: from IPv4-mapped addresses, on the socket and in the header", () => {
    expect(clientAddress("::ffff:203.0.113.7", undefined, false)).toBe("203.0.113.7");
    expect(clientAddress("::ffff:127.0.0.1", "::ffff:198.51.100.1", "loopback")).toBe("198.51.100.1");
    expect(clientAddress("::1", undefined, false)).toBe("::1");
    expect(clientAddress("2001:db8::1", undefined, false)).toBe("2001:db8::1");
  });

  it("loopback: believes a proxy on this machine, and only one", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1", "loopback")).toBe("198.51.100.1");
    expect(clientAddress("::1", "198.51.100.1", "loopback")).toBe("198.51.100.1");
    expect(clientAddress("::ffff:127.0.0.1", "198.51.100.1", "loopback")).toBe("198.51.100.1");
    // Not from a loopback proxy: the header is the client's own writing.
    expect(clientAddress("203.0.113.7", "198.51.100.1", "loopback")).toBe("203.0.113.7");
    // The client wrote the first entry; the loopback proxy appended the address it saw.
    expect(clientAddress("127.0.0.1", "10.9.9.9, 198.51.100.1", "loopback")).toBe("198.51.100.1");
    // No header: the proxy itself.
    expect(clientAddress("127.0.0.1", undefined, "loopback")).toBe("127.0.0.1");
  });

  it("a hop count of 1 takes the address the one proxy appended", () => {
    expect(clientAddress("10.0.0.5", "198.51.100.1", 1)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.5", undefined, 1)).toBe("10.0.0.5");
  });

  it("a hop count of 2 takes the address the outer of two proxies appended", () => {
    // client → CDN (appends the client) → load balancer (appends the CDN) → us
    expect(clientAddress("10.0.0.5", "198.51.100.1, 172.16.0.9", 2)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.5", "172.16.0.9", 2)).toBe("172.16.0.9");
  });

  it("never chooses an entry the client wrote itself when trust is a hop count", () => {
    // The client sent `X-Forwarded-For: 1.2.3.4, 5.6.7.8`; the one proxy appended the real address.
    const forged = "1.2.3.4, 5.6.7.8, 198.51.100.1";
    expect(clientAddress("10.0.0.5", forged, 1)).toBe("198.51.100.1");
    // Behind two: each proxy appended one entry; whatever stands before them is the client's.
    expect(clientAddress("10.0.0.5", `${forged}, 172.16.0.9`, 2)).toBe("198.51.100.1");
    // Many requests, each with another forged first entry: always the same shopper.
    const seen = new Set(
      Array.from({ length: 20 }, (_, i) => clientAddress("10.0.0.5", `9.9.9.${i}, 198.51.100.1`, 1)),
    );
    expect([...seen]).toEqual(["198.51.100.1"]);
  });

  it("a list of CIDRs trusts the proxies in them, and stops at the first one outside", () => {
    const trust: TrustProxy = ["10.0.0.0/8", "172.16.0.0/12"];
    expect(clientAddress("10.0.0.5", "198.51.100.1", trust)).toBe("198.51.100.1");
    // Two trusted proxies in a row.
    expect(clientAddress("10.0.0.5", "198.51.100.1, 172.16.0.9", trust)).toBe("198.51.100.1");
    // A forged entry before the first untrusted one is never reached.
    expect(clientAddress("10.0.0.5", "10.1.1.1, 198.51.100.1, 172.16.0.9", trust)).toBe("198.51.100.1");
    // Straight from the internet: the header is not believed.
    expect(clientAddress("203.0.113.7", "198.51.100.1", trust)).toBe("203.0.113.7");
    // Single addresses and IPv6 ranges.
    expect(clientAddress("192.0.2.10", "198.51.100.1", ["192.0.2.10"])).toBe("198.51.100.1");
    expect(clientAddress("fd00::1", "2001:db8::7", ["fc00::/7"])).toBe("2001:db8::7");
  });

  it("without a socket address (a fetch runtime that does not say), only a hop count reads the header", () => {
    expect(clientAddress(undefined, "1.2.3.4, 198.51.100.1", 1)).toBe("198.51.100.1");
    expect(clientAddress(undefined, "198.51.100.1", "loopback")).toBeUndefined();
    expect(clientAddress(undefined, "198.51.100.1", ["10.0.0.0/8"])).toBeUndefined();
  });

  it("takes a compiled trust, and a header node:http repeated", () => {
    const trust = compileTrust("loopback");
    expect(clientAddress("127.0.0.1", ["1.2.3.4", "198.51.100.1"], trust)).toBe("198.51.100.1");
  });

  it("agrees with Express's req.ip for the same trust proxy setting", () => {
    const settings: TrustProxy[] = [false, "loopback", 1, 2, ["10.0.0.0/8", "127.0.0.1"]];
    const cases: Array<[string, string | undefined]> = [
      ["127.0.0.1", "198.51.100.1"],
      ["127.0.0.1", "1.2.3.4, 198.51.100.1"],
      ["10.0.0.5", "1.2.3.4, 198.51.100.1, 10.2.2.2"],
      ["203.0.113.7", "198.51.100.1"],
      ["10.0.0.5", undefined],
    ];
    for (const setting of settings) {
      const app = express();
      app.set("trust proxy", setting);
      for (const [socket, header] of cases) {
        const req = Object.create(app.request, {
          headers: { value: header ? { "x-forwarded-for": header } : {} },
          socket: { value: { remoteAddress: socket } },
        }) as express.Request;
        expect(clientAddress(socket, header, setting), `${String(setting)} ${socket} ${header}`).toBe(req.ip);
      }
    }
  });
});
