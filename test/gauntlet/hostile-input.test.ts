import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { FULL, ledger, runs } from "./support/ledger.js";
import { type GauntletShop, OPS_TOKEN, startGauntletShop } from "./support/shop.js";

/**
 * Hostile input on every route: wrong types, huge and deep JSON, invalid UTF-8, wrong content types,
 * header tricks. Whatever arrives: never a 5xx, never a stack trace, JSON where JSON is promised,
 * and nothing about money changes.
 */
let g: GauntletShop;
let paidOrder = "";
let openCart = "";

beforeAll(async () => {
  g = await startGauntletShop();
  openCart = await g.cart([{ sku: "mug", quantity: 1 }]);
  const paidCart = await g.cart([{ sku: "tote", quantity: 1 }]);
  paidOrder = ((await (await g.confirm(paidCart, g.token())).json()) as { orderId: string }).orderId;
  await g.sandbox.idle();
}, 60_000);
afterAll(() => g?.close());

const STACK = /\bat\s+\S+\s*\(?[^)\s]*:\d+:\d+|node_modules|\.ts:\d+|Error: .*\n\s+at /;

interface Probe {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Uint8Array<ArrayBuffer> | string;
}

const BODIES: Array<string | Uint8Array<ArrayBuffer>> = [
  "",
  "null",
  "true",
  "0",
  '"x"',
  "[]",
  "{}",
  '{"items":"x"}',
  '{"items":[{"sku":{"a":1},"quantity":"1"}]}',
  '{"items":[{"sku":"mug","quantity":1e309}]}',
  '{"cartId":["a"],"processorToken":1}',
  '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
  '{"amount":"1e3"}',
  '{"amount":true}',
  '{"amount":[1]}',
  '{"amount":" 12 "}',
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  '{"cartId":"\' OR 1=1 --","processorToken":"tok_aaaaaaaaaaaaaaaaaaaaaaaaaa"}',
  '{"cartId":"\\u0000","processorToken":"tok_\\u0000"}',
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  `{"a":"${"x".repeat(2_000_000)}"}`,
  new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
];
const CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "",
];

function routes(): Probe[] {
  const ops = { authorization: `Bearer ${OPS_TOKEN}` };
  return [
    { method: "GET", path: "/api/products" },
    { method: "POST", path: "/api/carts" },
    { method: "GET", path: `/api/orders/${paidOrder}` },
    { method: "GET", path: "/api/orders/%E0%A4%A" },
    { method: "POST", path: "/api/checkout/session" },
    { method: "POST", path: "/api/checkout/confirm" },
    { method: "GET", path: "/api/checkout/3ds-return?cko-session-id=sid_%3Cscript%3E" },
    { method: "POST", path: "/webhooks/checkoutdotcom" },
    { method: "PUT", path: "/webhooks/checkoutdotcom" },
    { method: "POST", path: "/cart" },
    { method: "POST", path: `/cart?cart=${openCart}` },
    { method: "GET", path: "/checkout?cart[]=x&cart=y" },
    { method: "GET", path: "/orders/%E0%A4%A" },
    { method: "GET", path: "/ops", headers: { cookie: "handoff_ops_session=%E0%A4%A" } },
    { method: "GET", path: "/ops/api/orders", headers: { cookie: `handoff_ops=${OPS_TOKEN}` } },
    { method: "POST", path: "/ops/login", headers: { origin: "http://127.0.0.1" } },
    { method: "POST", path: `/ops/api/orders/${paidOrder}/refund`, headers: ops },
    { method: "POST", path: `/ops/api/orders/${paidOrder}/capture`, headers: ops },
    { method: "POST", path: `/ops/api/orders/${paidOrder}/release`, headers: ops },
    { method: "POST", path: "/ops/api/webhooks/evt_nope/replay", headers: ops },
    { method: "DELETE", path: "/api/products" },
  ];
}

interface Tally {
  requests: number;
  serverErrors: string[];
  stackTraces: string[];
  notJson: string[];
}

async function probe(tally: Tally, p: Probe): Promise<void> {
  const response = await fetch(`${g.url}${p.path}`, {
    method: p.method,
    headers: p.headers ?? {},
    ...(p.body !== undefined && p.method !== "GET" ? { body: p.body } : {}),
    redirect: "manual",
  });
  const text = await response.text();
  tally.requests++;
  const where = `${p.method} ${p.path.slice(0, 60)} [${p.headers?.["content-type"] ?? "-"}] → ${response.status}`;
  if (response.status >= 500) tally.serverErrors.push(`${where} ${text.slice(0, 120)}`);
  if (STACK.test(text)) tally.stackTraces.push(where);
  const api = /^\/(api|ops\/api|webhooks)\//.test(p.path);
  const json = (response.headers.get("content-type") ?? "").includes("application/json");
  if (api && response.status >= 400 && !json) tally.notJson.push(where);
}

/** Raw bytes on a socket: what fetch refuses to send (folded headers, smuggling, bad characters). */
function raw(request: string): Promise<string> {
  const { port } = new URL(g.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.end(request));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", () => resolve(answer));
  });
}

async function moneyState() {
  const payments = [...g.sandbox.payments.payments.values()];
  const stock = (await g.db.execute("SELECT SUM(stock) AS s FROM products")).rows[0]?.s;
  return {
    orders: await g.count("orders"),
    attempts: await g.count("payment_attempts"),
    carts: await g.count("carts"),
    events: await g.count("webhook_events"),
    stock: Number(stock),
    charges: payments.length,
    refunded: payments.reduce((sum, p) => sum + p.balances.total_refunded, 0),
    captured: payments.reduce((sum, p) => sum + p.balances.total_captured, 0),
  };
}

describe("hostile input on every route", () => {
  it("answers every probe with a clear 4xx, no stack, JSON on APIs, and changes nothing about money", async () => {
    const before = await moneyState();
    const tally: Tally = { requests: 0, serverErrors: [], stackTraces: [], notJson: [] };
    for (const route of routes()) {
      for (const body of BODIES) {
        await probe(tally, {
          ...route,
          headers: { ...route.headers, "content-type": "application/json" },
          body,
        });
      }
      for (const contentType of CONTENT_TYPES) {
        for (const body of ['{"cartId":"x"}', "a=1&b=2", "--x\r\n\r\n--x--"]) {
          const headers = { ...route.headers, ...(contentType ? { "content-type": contentType } : {}) };
          await probe(tally, { ...route, headers, body });
        }
      }
    }
    // Random JSON of every shape at each JSON route.
    const jsonRoutes = routes().filter((r) => r.method === "POST");
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...jsonRoutes),
        fc.jsonValue({ maxDepth: 6 }),
        async (route, value) => {
          await probe(tally, {
            ...route,
            headers: { ...route.headers, "content-type": "application/json" },
            body: JSON.stringify(value),
          });
        },
      ),
      { numRuns: runs(150, 2000) },
    );
    const rawAnswers = await Promise.all([
      raw("GET /api/products HTTP/1.1\r\nHost: x\r\nX-A: b\r\n folded\r\n\r\n"),
      raw("POST /api/carts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}"),
      raw(
        "POST /api/carts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
      ),
      raw("GET /api/products HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: y\r\n\r\n"),
      raw(`GET /api/products HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`),
      raw("GET /api/products?x=%0d%0aSet-Cookie:%20evil=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
    ]);
    const rawServerErrors = rawAnswers.filter((a) => /^HTTP\/1\.1 5\d\d/.test(a)).length;
    const injected = rawAnswers.filter((a) => /\r\nset-cookie: evil/i.test(a)).length;
    const after = await moneyState();

    ledger("hostile-input", [
      { check: `requests sent (${FULL ? "full" : "quick"})`, info: tally.requests },
      { check: "5xx answers", expected: 0, actual: tally.serverErrors.length + rawServerErrors },
      { check: "stack traces or file paths in answers", expected: 0, actual: tally.stackTraces.length },
      { check: "API errors not in JSON", expected: 0, actual: tally.notJson.length },
      { check: "headers injected into answers", expected: 0, actual: injected },
      {
        check: "orders / attempts / carts / events changed",
        expected: "0/0/0/0",
        actual: `${after.orders - before.orders}/${after.attempts - before.attempts}/${after.carts - before.carts}/${after.events - before.events}`,
      },
      { check: "stock changed", expected: 0, actual: after.stock - before.stock },
      {
        check: "charges / captures / refunds at the sandbox changed",
        expected: "0/0/0",
        actual: `${after.charges - before.charges}/${after.captured - before.captured}/${after.refunded - before.refunded}`,
      },
    ]);
    if (tally.serverErrors.length > 0) throw new Error(tally.serverErrors.slice(0, 5).join("\n"));
  }, 240_000);
});

/** Chunked 64 KB pieces with no Content-Length until the shop answers (64 MB at most). */
function postEndless(url: string): Promise<{ status: number; sentMb: number }> {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json" } });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, sentMb: sent / 1024 / 1024 }));
    });
    req.on("error", () => {
      if (!answered) resolve({ status: 0, sentMb: sent / 1024 / 1024 });
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const write = () => {
      while (!answered && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

describe("hostile destinations and bodies", () => {
  it("refuses destinations that are not on the internet, and stops reading endless bodies at their limit", async () => {
    const SSRF = [
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://192.168.1.20/",
      "http://172.16.5.4/",
      "http://[fd00::1]/",
      "http://100.100.100.200/",
    ];
    const destinationsBefore = await g.count("destinations");
    const saved: string[] = [];
    for (const [i, url] of SSRF.entries()) {
      const response = await fetch(`${g.url}/ops/api/destinations`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ id: `ssrf-${i}`, url, events: ["*"] }),
      });
      const { error } = (await response.json()) as { error?: string };
      saved.push(`${response.status} ${error}`);
    }
    const bodies = await Promise.all(
      ["/webhooks/checkoutdotcom", "/api/checkout/session", "/api/checkout/confirm"].map((path) =>
        postEndless(`${g.url}${path}`),
      ),
    );
    ledger("hostile-destinations", [
      {
        check:
          "destinations at metadata, 10/8, 192.168/16, 172.16/12, fd00::/7, CGNAT: 400 DESTINATION_NOT_ALLOWED",
        expected: 6,
        actual: saved.filter((s) => s === "400 DESTINATION_NOT_ALLOWED").length,
      },
      {
        check: "... of them stored",
        expected: 0,
        actual: (await g.count("destinations")) - destinationsBefore,
      },
      {
        check: "endless chunked bodies (webhook, session, confirm): answered 413",
        expected: "413,413,413",
        actual: bodies.map((b) => b.status).join(","),
      },
      {
        check: "... answered before 16 MB of them were sent",
        expected: "yes",
        actual: bodies.every((b) => b.sentMb < 16) ? "yes" : bodies.map((b) => `${b.sentMb} MB`).join(","),
      },
    ]);
  }, 60_000);
});
