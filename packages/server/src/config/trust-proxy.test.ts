import { describe, expect, it } from "vitest";
import { parseTrustProxy } from "./trust-proxy.js";

describe("HANDOFF_TRUST_PROXY", () => {
  it("takes Express's trust proxy forms, except true", () => {
    expect(parseTrustProxy("false")).toEqual({ trustProxy: false });
    expect(parseTrustProxy("0")).toEqual({ trustProxy: false });
    expect(parseTrustProxy("loopback")).toEqual({ trustProxy: "loopback" });
    expect(parseTrustProxy("2")).toEqual({ trustProxy: 2 });
    expect(parseTrustProxy(" 10.0.0.0/8, 127.0.0.1 ,::1/128,fd00::/8")).toEqual({
      trustProxy: ["10.0.0.0/8", "127.0.0.1", "::1/128", "fd00::/8"],
    });
    expect(parseTrustProxy("loopback,uniquelocal,192.0.2.7")).toEqual({
      trustProxy: ["loopback", "uniquelocal", "192.0.2.7"],
    });
  });

  it("refuses what would let a client pick its own address, or is not an address", () => {
    expect(parseTrustProxy("true")).toEqual({
      problem: expect.stringMatching(/^true would believe any client/),
    });
    expect(parseTrustProxy("1000")).toEqual({ problem: expect.stringMatching(/hop count/) });
    for (const bad of [
      "10.0.0.0/33",
      "::1/129",
      "10.0.0/8",
      "proxy.internal",
      "10.0.0.1/8/1",
      "10.0.0.0/x",
    ]) {
      expect(parseTrustProxy(bad), bad).toEqual({
        problem: expect.stringContaining(`"${bad}" is not an IP address or CIDR`),
      });
    }
    expect(parseTrustProxy("10.0.0.1, nope, 2001:db8::/200")).toEqual({
      problem: expect.stringMatching(/^"nope", "2001:db8::\/200" are not/),
    });
  });
});
