import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrustProxy } from "../config/trust-proxy.js";
import { ConfirmVelocity } from "../confirm/velocity.js";
import { createHandoff, type Handoff } from "../handoff.js";
import { type Harness, startHarness } from "../test-support/harness.js";
import { createFetchHandoffHandler } from "./checkout-fetch.js";
import { createHandoffRouter } from "./express.js";
import { createHandoffHandler } from "./node.js";

/** Two confirms per shopper, so a third is refused: small enough to see who shares a budget. */
const LIMITS = { perCart: 5, perClient: 2, windowMs: 600_000 };

let h: Harness;
const servers: Server[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await h.close();
});

/** A shop of its own, with a budget nobody else spent. */
function freshHandoff(): Handoff {
  return createHandoff({ ...h.deps, velocity: new ConfirmVelocity(LIMITS) });
}

async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function nodeShop(trustProxy?: TrustProxy): Promise<string> {
  const checkout = createHandoffHandler(freshHandoff(), {
    basePath: "/api/checkout",
    ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  return listen(async (req, res) => {
    if (!(await checkout(req, res))) res.writeHead(404).end();
  });
}

async function expressShop(
  options: { trustProxy?: TrustProxy },
  appTrustProxy?: boolean | string,
): Promise<string> {
  const app = express();
  if (appTrustProxy !== undefined) app.set("trust proxy", appTrustProxy);
  app.use("/api/checkout", createHandoffRouter(freshHandoff(), options));
  return listen(app);
}

interface Answer {
  status: number;
  body: { orderId?: string; paymentId?: string; error?: string };
}

/** POST with node:http, so the test chooses the headers and the address the request leaves from. */
function post(
  url: string,
  body: unknown,
  options: { forwardedFor?: string; localAddress?: string } = {},
): Promise<Answer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options.forwardedFor ? { "x-forwarded-for": options.forwardedFor } : {}),
        },
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** A shopper pays `times` times (a new cart each), each request through `send`. */
async function confirms(
  times: number,
  send: (body: unknown, i: number) => Promise<Answer>,
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) {
    const cartId = await h.cart();
    answers.push(await send({ cartId, processorToken: await h.token() }, i));
  }
  return answers;
}

/** The `payment_ip` Checkout.com's risk engine saw for this payment (the sandbox keeps the request). */
function paymentIpOf(answer: Answer | undefined): string | undefined {
  const payment = h.sandbox.payments.payments.get(answer?.body.paymentId ?? "");
  if (!payment) throw new Error(`no payment for ${JSON.stringify(answer)}`);
  return payment.paymentIp;
}

const statuses = (answers: Answer[]) => answers.map((a) => a.status);

describe("behind a trusted proxy (trustProxy: loopback), the node:http adapter", () => {
  it("gives two shoppers from different forwarded addresses their own confirm budget", async () => {
    const shop = `${await nodeShop("loopback")}/api/checkout/confirm`;
    const alice = await confirms(3, (body) => post(shop, body, { forwardedFor: "198.51.100.1" }));
    const bob = await confirms(2, (body) => post(shop, body, { forwardedFor: "198.51.100.2" }));
    expect(statuses(alice)).toEqual([200, 200, 429]);
    expect(statuses(bob)).toEqual([200, 200]);
    expect(paymentIpOf(alice[0])).toBe("198.51.100.1");
    expect(paymentIpOf(bob[0])).toBe("198.51.100.2");
  });

  it("never believes the entries a card tester writes before the proxy's", async () => {
    const shop = `${await nodeShop("loopback")}/api/checkout/confirm`;
    const tester = await confirms(3, (body, i) =>
      post(shop, body, { forwardedFor: `10.6.6.${i}, 198.51.100.3` }),
    );
    expect(statuses(tester)).toEqual([200, 200, 429]);
    expect(paymentIpOf(tester[0])).toBe("198.51.100.3");
  });
});

describe("behind a real proxy in front (trustProxy: 1)", () => {
  it("each shopper the proxy saw has their own budget and is the payment_ip", async () => {
    const shop = await nodeShop(1);
    // A reverse proxy as nginx does it: X-Forwarded-For gets the address it saw appended.
    const proxy = await listen((req, res) => {
      const seen = req.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "";
      const forwardedFor = [req.headers["x-forwarded-for"], seen].filter(Boolean).join(", ");
      const upstream = request(
        `${shop}${req.url}`,
        { method: req.method, headers: { ...req.headers, "x-forwarded-for": forwardedFor } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    const url = `${proxy}/api/checkout/confirm`;
    // Two shoppers on two addresses (the whole of 127.0.0.0/8 is this machine), each forging a header.
    const alice = await confirms(3, (body, i) =>
      post(url, body, { localAddress: "127.0.0.2", forwardedFor: `203.0.113.${i}` }),
    );
    const bob = await confirms(2, (body) =>
      post(url, body, { localAddress: "127.0.0.3", forwardedFor: "203.0.113.50" }),
    );
    expect(statuses(alice)).toEqual([200, 200, 429]);
    expect(statuses(bob)).toEqual([200, 200]);
    expect(paymentIpOf(alice[1])).toBe("127.0.0.2");
    expect(paymentIpOf(bob[0])).toBe("127.0.0.3");
  });
});

describe("without trustProxy, a forged X-Forwarded-For changes nothing", () => {
  it("node:http: one address, one budget, and the socket's address as payment_ip", async () => {
    const shop = `${await nodeShop()}/api/checkout/confirm`;
    const tester = await confirms(3, (body, i) => post(shop, body, { forwardedFor: `198.51.100.${i}` }));
    expect(statuses(tester)).toEqual([200, 200, 429]);
    expect(paymentIpOf(tester[0])).toBe("127.0.0.1");
    expect(paymentIpOf(tester[1])).toBe("127.0.0.1");
  });

  it("Express, with the app's default trust proxy: the same", async () => {
    const shop = `${await expressShop({})}/api/checkout/confirm`;
    const tester = await confirms(3, (body, i) => post(shop, body, { forwardedFor: `198.51.100.${i}` }));
    expect(statuses(tester)).toEqual([200, 200, 429]);
    expect(paymentIpOf(tester[0])).toBe("127.0.0.1");
  });

  it("Express: trustProxy: false decides even where the app trusts every proxy", async () => {
    const shop = `${await expressShop({ trustProxy: false }, true)}/api/checkout/confirm`;
    const tester = await confirms(3, (body, i) => post(shop, body, { forwardedFor: `198.51.100.${i}` }));
    expect(statuses(tester)).toEqual([200, 200, 429]);
    expect(paymentIpOf(tester[0])).toBe("127.0.0.1");
  });

  it("fetch: the header is not read, so no payment_ip is made up from it", async () => {
    const handle = createFetchHandoffHandler(freshHandoff(), { basePath: "/api/checkout" });
    const [answer] = await confirms(1, async (body) => {
      const response = await handle(
        new Request("http://shop.test/api/checkout/confirm", {
          method: "POST",
          headers: { "x-forwarded-for": "198.51.100.9" },
          body: JSON.stringify(body),
        }),
      );
      return { status: response.status, body: await response.json() };
    });
    expect(answer?.status).toBe(200);
    expect(paymentIpOf(answer)).toBeUndefined();
  });
});

describe("the Express adapter's trustProxy option", () => {
  it("decides the address when given", async () => {
    const shop = `${await expressShop({ trustProxy: "loopback" })}/api/checkout/confirm`;
    const alice = await confirms(3, (body) => post(shop, body, { forwardedFor: "10.1.1.1, 198.51.100.1" }));
    const bob = await confirms(1, (body) => post(shop, body, { forwardedFor: "198.51.100.2" }));
    expect(statuses(alice)).toEqual([200, 200, 429]);
    expect(statuses(bob)).toEqual([200]);
    expect(paymentIpOf(alice[0])).toBe("198.51.100.1");
  });

  it("decides by the service's one setting (unset: none), whatever the app's own trust proxy says", async () => {
    const shop = `${await expressShop({}, "loopback")}/api/checkout/confirm`;
    const [answer] = await confirms(1, (body) => post(shop, body, { forwardedFor: "198.51.100.7" }));
    expect(paymentIpOf(answer)).toBe("127.0.0.1");
  });

  it("for a Handoff wired by hand without the setting, honours the app's own trust proxy (req.ip), as before", async () => {
    const app = express();
    app.set("trust proxy", "loopback");
    const handoff = createHandoff({
      ...h.deps,
      settings: { ...h.deps.settings, trustProxy: undefined },
      velocity: new ConfirmVelocity(LIMITS),
    });
    app.use("/api/checkout", createHandoffRouter(handoff));
    const shop = `${await listen(app)}/api/checkout/confirm`;
    const [answer] = await confirms(1, (body) => post(shop, body, { forwardedFor: "198.51.100.7" }));
    expect(paymentIpOf(answer)).toBe("198.51.100.7");
  });
});

describe("the fetch adapter's trustProxy", () => {
  async function fetchConfirms(
    handle: (request: Request) => Promise<Response>,
    forwardedFor: (i: number) => string,
    times: number,
  ) {
    return confirms(times, async (body, i) => {
      const response = await handle(
        new Request("http://shop.test/api/checkout/confirm", {
          method: "POST",
          headers: { "x-forwarded-for": forwardedFor(i) },
          body: JSON.stringify(body),
        }),
      );
      return { status: response.status, body: await response.json() };
    });
  }

  it("a hop count reads the entry the proxy appended, without a socket address (Next.js)", async () => {
    const handle = createFetchHandoffHandler(freshHandoff(), { basePath: "/api/checkout", trustProxy: 1 });
    const alice = await fetchConfirms(handle, (i) => `10.6.6.${i}, 198.51.100.1`, 3);
    const bob = await fetchConfirms(handle, () => "198.51.100.2", 1);
    expect(statuses(alice)).toEqual([200, 200, 429]);
    expect(statuses(bob)).toEqual([200]);
    expect(paymentIpOf(alice[0])).toBe("198.51.100.1");
  });

  it("an address list starts from remoteAddress, and ignores the header from anyone else", async () => {
    let peer = "127.0.0.1";
    const handle = createFetchHandoffHandler(freshHandoff(), {
      basePath: "/api/checkout",
      trustProxy: "loopback",
      remoteAddress: () => peer,
    });
    const [proxied] = await fetchConfirms(handle, () => "198.51.100.1", 1);
    peer = "203.0.113.80";
    const [direct] = await fetchConfirms(handle, () => "198.51.100.1", 1);
    expect(paymentIpOf(proxied)).toBe("198.51.100.1");
    expect(paymentIpOf(direct)).toBe("203.0.113.80");
  });

  it("clientAddress, when given, still decides", async () => {
    const handle = createFetchHandoffHandler(freshHandoff(), {
      basePath: "/api/checkout",
      trustProxy: 1,
      clientAddress: () => "192.0.2.1",
    });
    const [answer] = await fetchConfirms(handle, () => "198.51.100.1", 1);
    expect(paymentIpOf(answer)).toBe("192.0.2.1");
  });
});
