import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { cspHeader, handoffCsp, loadConfig, openHandoff } from "@handoff/server";
import { createHandoffHandler, createHealthHandler, createWebhookHandler } from "@handoff/server/node";

export interface ShopKeys {
  publicKey: string;
  secretKey: string;
  signatureKey: string;
}

/**
 * The whole shop on node:http: a page, a cart endpoint, the checkout routes, the webhook receiver
 * and an order page. `env` is read as `loadConfig` reads it (CKO_*, DATABASE_URL, PUBLIC_URL…);
 * in local mode `keys` are the sandbox's.
 */
export async function startShop(env: Record<string, string | undefined>, keys?: ShopKeys) {
  let route: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  // Listening first tells us our URL; until the shop is wired every request gets 503 + Retry-After.
  const server = createServer((req, res) => {
    if (route) return void route(req, res);
    res.writeHead(503, { "retry-after": "1" }).end();
  });
  await new Promise<void>((done) => server.listen(Number(env.PORT ?? 0), "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ PUBLIC_URL: url, ...env }, keys);

  // #region handoff
  const handoff = await openHandoff({ config }); // checkout, webhooks, worker, outbox, sweep, health
  const checkout = createHandoffHandler(handoff.handoff, { basePath: "/api/checkout" });
  const receiveWebhook = createWebhookHandler(handoff.webhooks.receiver); // at /webhooks/checkoutdotcom
  const probes = createHealthHandler(handoff.health); // /healthz and /readyz
  await handoff.start(); // background work runs, readiness turns on
  // #endregion
  const inventory = handoff.catalog;
  await inventory.upsertProducts([
    { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 100 },
  ]);

  const require = createRequire(import.meta.url);
  const files: Record<string, [string, string]> = {
    "/": [new URL("../public/index.html", import.meta.url).pathname, "text/html; charset=utf-8"],
    "/checkout.js": [new URL("../public/checkout.js", import.meta.url).pathname, "text/javascript"],
    "/handoff.js": [require.resolve("@handoff/elements/handoff.js"), "text/javascript"],
    // Loaded by handoff.js from beside itself, the first time it shows an error screen.
    "/handoff.errors.js": [require.resolve("@handoff/elements/handoff.errors.js"), "text/javascript"],
  };
  const sandboxOrigin = config.environment === "local" ? new URL(config.apiUrl).origin : undefined;
  const csp = cspHeader(
    handoffCsp({ environment: config.environment, ...(sandboxOrigin ? { sandboxOrigin } : {}) }),
  );

  route = async (req, res) => {
    const path = new URL(req.url ?? "/", url).pathname;
    const file = req.method === "GET" ? files[path] : undefined;
    if (file) {
      res.writeHead(200, { "content-type": file[1], "content-security-policy": csp });
      res.end(await readFile(file[0]));
    } else if (path === "/favicon.ico") {
      res.writeHead(204).end();
    } else if (req.method === "POST" && path === "/cart") {
      const cart = await inventory.createCart([{ sku: "mug", quantity: 1 }]);
      res.writeHead(cart.ok ? 201 : 409, { "content-type": "application/json" });
      res.end(JSON.stringify(cart.ok ? { cartId: cart.cart.cartId } : { error: "OUT_OF_STOCK" }));
    } else if (req.method === "GET" && path.startsWith("/orders/")) {
      const order = await handoff.deps.store.getOrder(decodeURIComponent(path.slice("/orders/".length)));
      res.writeHead(order ? 200 : 404, { "content-type": "text/plain; charset=utf-8" });
      res.end(order ? `Order ${order.id}: ${order.status}` : "No such order");
    } else if (
      !(await checkout(req, res)) &&
      !(await receiveWebhook(req, res)) &&
      !(await probes(req, res))
    ) {
      res.writeHead(404).end();
    }
  };

  return {
    url,
    /** SIGTERM: readiness off, requests under way answered, background work handed back, database closed. */
    async close() {
      handoff.health.stopping();
      const closed = new Promise((done) => server.close(done));
      server.closeIdleConnections();
      await closed;
      await handoff.close();
    },
  };
}
