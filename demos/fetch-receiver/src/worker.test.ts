import { createHmac, webcrypto } from "node:crypto";
import { builtinModules } from "node:module";
import { resolve } from "node:path";
import { createContext, Script } from "node:vm";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const KEY = "whsec_fetch_example";
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

interface Bundle {
  memoryInbox(): { events: Map<string, { id: string; type: string }> };
  createReceiver(
    env: { CKO_WEBHOOK_SIGNATURE_KEY: string },
    inbox: unknown,
  ): (r: Request) => Promise<Response>;
}
let bundle: Bundle;
let code = "";

/**
 * The example as a fetch runtime would load it: bundled for no platform (any import of a Node
 * built-in fails the build), then run in a context holding only web-standard globals.
 */
beforeAll(async () => {
  const result = await build({
    entryPoints: [resolve(import.meta.dirname, "worker.ts")],
    bundle: true,
    write: false,
    platform: "neutral",
    format: "iife",
    globalName: "example",
    mainFields: ["module", "main"],
    conditions: ["@handoff/source"],
    logLevel: "silent",
    plugins: [
      {
        name: "no-node-builtins",
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            BUILTINS.has(args.path)
              ? { errors: [{ text: `${args.importer} imports the Node built-in "${args.path}"` }] }
              : undefined,
          );
        },
      },
    ],
  });
  code = result.outputFiles[0]?.text ?? "";
  const web = {
    Request,
    Response,
    Headers,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    crypto: webcrypto,
    console,
    AbortController,
    AbortSignal,
    setTimeout,
    clearTimeout,
    queueMicrotask,
  };
  const context = createContext({ ...web });
  new Script(`${code}\nglobalThis.example = example;`).runInContext(context);
  bundle = context.example as Bundle;
});

const signed = (body: string) =>
  new Request("https://shop.example/webhooks/checkoutdotcom", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "cko-signature": createHmac("sha256", KEY).update(body).digest("hex"),
    },
    body,
  });

describe("the fetch-runtime webhook receiver (demos/fetch-receiver)", () => {
  it("builds with no Node built-in and runs where there is no process, Buffer or require", () => {
    expect(code).not.toMatch(/require\(["']node:/);
    expect(typeof bundle.createReceiver).toBe("function");
  });

  it("stores a signed event before its 200, once however often it comes, and refuses a forged one", async () => {
    const inbox = bundle.memoryInbox();
    const receive = bundle.createReceiver({ CKO_WEBHOOK_SIGNATURE_KEY: KEY }, inbox);
    const body = JSON.stringify({
      id: "evt_fetchexample00000000000000",
      type: "payment_captured",
      data: { id: "pay_1" },
    });
    const first = await receive(signed(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true });
    expect(inbox.events.get("evt_fetchexample00000000000000")?.type).toBe("payment_captured");
    const again = await receive(signed(body));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(inbox.events.size).toBe(1);

    const forged = signed(body.replace("payment_captured", "payment_refunded"));
    const tampered = new Request(forged.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "cko-signature": signed(body).headers.get("cko-signature") ?? "",
      },
      body: body.replace("payment_captured", "payment_refunded"),
    });
    expect((await receive(tampered)).status).toBe(401);
    expect(inbox.events.size).toBe(1);
    expect((await receive(new Request("https://shop.example/elsewhere"))).status).toBe(404);
  });

  it('takes a rotation written "old, new" (a space after the comma) as two keys', async () => {
    const inbox = bundle.memoryInbox();
    const receive = bundle.createReceiver({ CKO_WEBHOOK_SIGNATURE_KEY: `whsec_old_key , ${KEY}` }, inbox);
    const body = JSON.stringify({
      id: "evt_fetchrotation0000000000000",
      type: "payment_approved",
      data: { id: "pay_2" },
    });
    expect((await receive(signed(body))).status).toBe(200);
    expect(inbox.events.has("evt_fetchrotation0000000000000")).toBe(true);
  });
});
