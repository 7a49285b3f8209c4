import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { ConfirmVelocity, DEFAULT_VELOCITY } from "@handoff/server";
import { createHandoffHandler } from "@handoff/server/node";
import { build } from "vite";
import { LANGUAGES } from "../../../packages/elements/src/languages.js";
import { type Harness, startHarness } from "../../../packages/server/src/test-support/harness.js";

const root = resolve(import.meta.dirname, "../../..");
const require = createRequire(import.meta.url);

const elements = resolve(root, "packages/elements");

/**
 * Builds the script-tag bundle, every language pack and the error screens' part exactly as `pnpm
 * build` does, so tests never run a stale one. Returns handoff.js; the shop serves the others from dist.
 */
export async function buildScriptTagBundle(): Promise<string> {
  const configFile = resolve(elements, "vite.config.ts");
  await build({ root: elements, configFile, logLevel: "silent" });
  for (const code of LANGUAGES.filter((l) => l !== "en"))
    await build({ root: elements, configFile, logLevel: "silent", mode: `locale-${code}` });
  await build({ root: elements, configFile, logLevel: "silent", mode: "part-errors" });
  return readFile(resolve(elements, "dist/handoff.js"), "utf8");
}

const PAGE_SCRIPT = `
const params = new URLSearchParams(location.search);
window.events = [];
const options = {
  sessionUrl: "/api/checkout/session",
  confirmUrl: "/api/checkout/confirm",
  cartId: params.get("cart"),
};
const NAMES = { flow: "checkoutFlow", locale: "locale", mode: "checkoutMode", cartUrl: "cartUrl", timeout: "confirmTimeoutMs" };
for (const key of Object.keys(NAMES)) {
  const value = params.get(key);
  if (value) options[NAMES[key]] = key === "timeout" ? Number(value) : value;
}
if (params.get("theme") === "dark") {
  // The dark preset themes Flow's fields and the widget alike; the page goes dark around them.
  options.appearance = Handoff.darkAppearance;
  document.documentElement.classList.add("dark");
}
for (const name of ["onReady", "onTokenized", "onSuccess", "onDecline", "onRequiresAction", "onError"]) {
  options[name] = (event) => window.events.push({ name, detail: event.detail });
}
if (params.get("merchant")) {
  // The merchant's own code confirms (Accelerate-style handoff) and hands the result back.
  options.onPaymentInitiated = async (detail) => {
    window.events.push({ name: "merchantConfirm", detail });
    const response = await fetch("/api/checkout/confirm", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cartId: detail.cartId, processorToken: detail.processorToken }),
    });
    return response.json();
  };
}
window.checkout = Handoff.mount("#checkout", options);
document.getElementById("own-pay").addEventListener("click", () => window.checkout.submit());
`;

export interface WidgetShop {
  h: Harness;
  url: string;
  csp: string;
  close(): Promise<void>;
}

/** A merchant page under a strict CSP, the real confirm endpoint, the sandbox, an order page. */
export type ExtraRoutes = Record<string, () => { type: string; body: string }>;

export async function startWidgetShop(bundle: string, extra: ExtraRoutes = {}): Promise<WidgetShop> {
  const h = await startHarness({ captureDelayMs: 60_000 });
  // Every test shopper comes from 127.0.0.1: the per-client card-testing limit is the gauntlet's to test.
  h.deps.velocity = new ConfirmVelocity({ ...DEFAULT_VELOCITY, perClient: Number.MAX_SAFE_INTEGER });
  const handler = createHandoffHandler(h.handoff, { basePath: "/api/checkout" });
  const axe = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  let base = "";
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${h.sandbox.url}`,
    `frame-src ${h.sandbox.url}`,
    "connect-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
  ].join("; ");
  const server: Server = createServer(async (req, res) => {
    if (await handler(req, res)) return;
    const url = new URL(req.url ?? "/", "http://x");
    const send = (type: string, body: string, status = 200) =>
      res.writeHead(status, { "content-type": type, "content-security-policy": csp }).end(body);
    if (url.pathname === "/") {
      // ?pack=fr: the page loads the French language pack beside handoff.js, as a French shop does.
      const pack = url.searchParams.get("pack");
      const packScript = pack ? `<script src="/handoff.${encodeURIComponent(pack)}.js"></script>` : "";
      return send(
        "text/html; charset=utf-8",
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title>
<link rel="stylesheet" href="/shop.css"><script src="/handoff.js"></script>${packScript}<script src="/page.js" defer></script></head>
<body><main><h1>Checkout</h1><div id="checkout"></div><button id="own-pay" type="button">Place order</button></main></body></html>`,
      );
    }
    const route = extra[url.pathname];
    if (route) {
      const { type, body } = route();
      return send(type, body);
    }
    if (url.pathname === "/handoff.js") return send("text/javascript", bundle);
    // Language packs, and the error screens handoff.js loads from beside itself when it needs one.
    const pack = /^\/handoff\.([a-z]{2}|errors)\.js$/.exec(url.pathname)?.[1];
    if (pack && [...LANGUAGES, "errors"].includes(pack))
      return send("text/javascript", await readFile(resolve(elements, `dist/handoff.${pack}.js`), "utf8"));
    if (url.pathname === "/page.js") return send("text/javascript", PAGE_SCRIPT);
    if (url.pathname === "/axe.js") return send("text/javascript", axe);
    if (url.pathname === "/shop.css")
      return send(
        "text/css",
        "body{font-family:system-ui;margin:24px;max-width:520px}html.dark{background:#16181d;color:#eef0f4}",
      );
    if (url.pathname === "/favicon.ico") return send("image/x-icon", "", 204);
    const order = /^\/orders\/(ord_\w+)$/.exec(url.pathname);
    if (order) {
      const found = await h.store.getOrder(order[1] ?? "");
      return send(
        "text/html; charset=utf-8",
        `<!doctype html><title>Order</title><p id="status">${found?.status ?? "unknown"}</p>`,
      );
    }
    send("text/plain", "not found", 404);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  h.deps.settings.threeDsReturnUrl = `${base}/api/checkout/3ds-return`;
  h.deps.settings.orderPageUrl = (id) => `${base}/orders/${id}`;
  h.deps.settings.checkoutPageUrl = (cart) => `${base}/?cart=${cart}`;
  return {
    h,
    url: base,
    csp,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await h.close();
    },
  };
}
