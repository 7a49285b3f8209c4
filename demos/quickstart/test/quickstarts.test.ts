import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { openDatabase, type SqlClient, SqlInventory } from "@handoff/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/support/free-port.js";

/**
 * The server README's quick starts, run as written: each file is started as its own process with
 * nothing but environment variables pointing at the sandbox, and a shopper buys a mug with 4242.
 */
const ROOT = resolve(import.meta.dirname, "../../..");
const TSX = resolve(ROOT, "node_modules/.bin/tsx");

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-quickstart-"));
  sandbox = createSandbox({ captureDelayMs: 50 });
  await sandbox.listen();
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(["express", "node-http", "hono"])("the %s quick start, as written", (name) => {
  let app: ChildProcess;
  let url: string;
  let db: SqlClient;
  let output = "";

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const databaseUrl = `file:${join(dir, `${name}.db`)}`;
    sandbox.webhookUrls = [`${url}/webhooks/checkoutdotcom`];
    app = spawn(TSX, ["--conditions=@handoff/source", resolve(import.meta.dirname, `../src/${name}.ts`)], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        CKO_ENVIRONMENT: "local",
        CKO_API_URL: sandbox.url,
        CKO_PUBLIC_KEY: sandbox.keys.publicKey,
        CKO_SECRET_KEY: sandbox.keys.secretKey,
        CKO_WEBHOOK_SIGNATURE_KEY: sandbox.keys.signatureKey,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        PUBLIC_URL: url,
      },
    });
    app.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    app.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    await until(`${name} ready (${output})`, async () =>
      (await fetch(`${url}/readyz`)).ok ? true : undefined,
    );
    db = await openDatabase(databaseUrl);
  }, 40_000);
  afterAll(async () => {
    if (app.exitCode === null) app.kill("SIGKILL");
    await db?.close();
  });

  it("answers its probes, sells a mug paid with 4242, hears the webhooks, and stops on SIGTERM", async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ status: "ready", database: "ok" });

    const shelf = new SqlInventory(db);
    await shelf.upsertProducts([{ sku: "mug", name: "Mug", unitAmount: 1450, currency: "GBP", stock: 10 }]);
    const cart = await shelf.createCart([{ sku: "mug", quantity: 1 }]);
    if (!cart.ok) throw new Error(cart.error);
    const cartId = cart.cart.cartId;
    const post = (path: string, body: unknown) =>
      fetch(`${url}/api/checkout/${path}`, { method: "POST", body: JSON.stringify(body) });
    const session = await post("session", { cartId });
    expect(await session.json()).toMatchObject({ amount: 1450, currency: "GBP" });
    const token = (
      sandbox.payments.createToken({
        type: "card",
        number: "4242424242424242",
        expiry_month: 12,
        expiry_year: 2040,
        cvv: "100",
      }).body as { token: string }
    ).token;
    const confirm = await post("confirm", { cartId, processorToken: token, amount: 1450, currency: "GBP" });
    const paid = (await confirm.json()) as { status: string; orderId: string };
    expect(paid.status).toBe("approved");

    // Checkout.com's signed webhooks reach the app and the order follows them to captured.
    await until("order captured", async () => {
      const row = (await db.execute("SELECT status FROM orders WHERE id = ?", [paid.orderId])).rows[0];
      return row?.status === "captured" ? true : undefined;
    });

    const exited = new Promise<number | null>((done) => app.once("exit", (code) => done(code)));
    app.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});
