import { describe, expect, it } from "vitest";
import { cspHeader, handoffCsp } from "./csp.js";

describe("the published Content-Security-Policy", () => {
  it("lets Checkout.com's Flow script, API, risk module and frames in with real keys, and nothing inline", () => {
    const directives = handoffCsp({ environment: "production" });
    expect(directives.scriptSrc).toEqual([
      "'self'",
      "https://checkout-web-components.checkout.com",
      "https://*.checkout.com",
    ]);
    expect(directives.connectSrc).toContain("https://*.checkout.com");
    expect(directives.frameSrc).toEqual(["https://*.checkout.com"]);
    const header = cspHeader(directives);
    expect(header).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(header).toContain("frame-ancestors 'none'");
  });

  it("allows only the embedded sandbox in local mode, and merges a merchant's own sources", () => {
    const directives = handoffCsp({
      environment: "local",
      sandboxOrigin: "http://127.0.0.1:3100",
      extra: { imgSrc: ["https://cdn.shop.example"], connectSrc: ["'self'"] },
    });
    expect(directives.scriptSrc).toEqual(["'self'", "http://127.0.0.1:3100"]);
    expect(directives.connectSrc).toEqual(["'self'"]);
    expect(directives.imgSrc).toEqual(["'self'", "data:", "https://cdn.shop.example"]);
    expect(cspHeader(directives)).not.toContain("checkout.com");
    expect(() => handoffCsp({ environment: "local" })).toThrow(/sandboxOrigin/);
  });
});
