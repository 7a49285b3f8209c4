import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createWebhooks, cspHeader, handoffCsp, loadConfig, openHandoff } from "@handoff/server";
import { createHandoffHandler, createWebhookHandler } from "@handoff/server/node";

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
  const server = createServer();
  await new Promise<void>((done) => server.listen(Number(env.PORT ?? 0), "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ PUBLIC_URL: url, ...env }, keys);
  const { handoff, db, inventory, close } = await openHandoff({ config, basePath: "/api/checkout" });
  await inventory.upsertProducts([
    { sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 100 },
  ]);
  const checkout = createHandoffHandler(handoff, { basePath: "/api/checkout" });

  // #region webhooks
  const webhooks = createWebhooks({
    db,
    deps: handoff.deps,
    signatureKeys: config.webhookSignatureKeys,
    authorizationKey: config.webhookAuthorizationKey,
  });
  webhooks.worker.start(); // processes whatever was stored but not processed, then keeps up
  const receiveWebhook = createWebhookHandler(webhooks.receiver); // or createWebhookRouter (Express), createFetchWebhookHandler (fetch)
  const sweep = setInterval(() => void webhooks.reconcile(5 * 60_000), 60_000); // attempts stuck past 5 minutes
  // #endregion

  const require = createRequire(import.meta.url);
  const files: Record<string, [string, string]> = {
    "/": [new URL("../public/index.html", import.meta.url).pathname, "text/html; charset=utf-8"],
    "/checkout.js": [new URL("../public/checkout.js", import.meta.url).pathname, "text/javascript"],
    "/handoff.js": [require.resolve("@handoff/elements/handoff.js"), "text/javascript"],
  };
  const sandboxOrigin = config.environment === "local" ? new URL(config.apiUrl).origin : undefined;
  const csp = cspHeader(
    handoffCsp({ environment: config.environment, ...(sandboxOrigin ? { sandboxOrigin } : {}) }),
  );

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    } else if (!(await checkout(req, res)) && !(await receiveWebhook(req, res))) {
      res.writeHead(404).end();
    }
  }
  server.on("request", (req, res) => void route(req, res));

  return {
    url,
    async close() {
      clearInterval(sweep);
      await webhooks.worker.stop();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      await close();
    },
  };
}
