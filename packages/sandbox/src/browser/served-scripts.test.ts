import { afterAll, describe, expect, it } from "vitest";
import { createSandbox } from "../index.js";

const sandbox = createSandbox();
afterAll(() => sandbox.close());
const get = (path: string) => sandbox.app.request(path, { headers: { host: "127.0.0.1:3100" } });

describe("browser scripts", () => {
  it("serve the Web Components emulation as one classic script that knows the sandbox's origin", async () => {
    const response = await get("/checkout-web-components/index.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    const script = await response.text();
    // A plain <script src> runs it: no module syntax, nothing left of a placeholder.
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
    expect(script).not.toContain("__HANDOFF_SANDBOX_ORIGIN__");
    // Run as the browser would: it defines the loader's seam, whose card iframe comes from the sandbox.
    const win = fakeWindow();
    new Function("window", script)(win);
    const checkout = win.CheckoutWebComponents?.({ publicKey: "pk_sbox_x" }) as {
      create(name: string): { mount(el: unknown): void; isAvailable(): Promise<boolean> };
    };
    const card = checkout.create("card");
    await card.isAvailable();
    card.mount(win.mountPoint);
    expect(win.mountPoint.children[0]?.src).toMatch(
      /^http:\/\/127\.0\.0\.1:3100\/checkout-web-components\/card-frame\.html#/,
    );
  });

  it("serve the card iframe's script as a classic script", async () => {
    const response = await get("/checkout-web-components/card-frame.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const script = await response.text();
    expect(script).not.toMatch(/^\s*(import|export)\s/m);
    expect(() => new Function("window", script)).not.toThrow();
  });
});

/** Just enough of a window for mount(): the emulation only creates an iframe and listens for messages. */
function fakeWindow() {
  const mountPoint = {
    children: [] as Array<{ src?: string }>,
    appendChild: (el: object) => mountPoint.children.push(el),
  };
  const win = {
    CheckoutWebComponents: undefined as undefined | ((options: object) => unknown),
    mountPoint,
    location: { origin: "http://shop.test" },
    atob: (s: string) => Buffer.from(s, "base64").toString("binary"),
    addEventListener: () => undefined,
    document: {
      querySelector: () => mountPoint,
      createElement: () => ({ style: {}, setAttribute: () => undefined }),
    },
  };
  return win;
}
