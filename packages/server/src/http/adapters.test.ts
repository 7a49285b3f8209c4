import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../test-support/harness.js";
import { createFetchHandoffHandler } from "./checkout-fetch.js";
import { createHandoffRouter } from "./express.js";
import { createHandoffHandler } from "./node.js";

let h: Harness;
const servers: Server[] = [];
const bases: Record<string, string> = {};

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  h = await startHarness();
  const app = express();
  app.use("/api/checkout", createHandoffRouter(h.handoff));
  bases.express = `${await listen(createServer(app))}/api/checkout`;
  // A merchant's own global JSON parser in front must not break the router.
  const parsedFirst = express();
  parsedFirst.use(express.json());
  parsedFirst.use("/api/checkout", createHandoffRouter(h.handoff));
  bases.parsedFirst = `${await listen(createServer(parsedFirst))}/api/checkout`;
  const handler = createHandoffHandler(h.handoff, { basePath: "/api/checkout" });
  bases.node = `${await listen(
    createServer(async (req, res) => {
      if (!(await handler(req, res))) res.writeHead(404).end();
    }),
  )}/api/checkout`;
  // The fetch adapter behind the plainest bridge a fetch runtime has: Request in, Response out.
  const fetchHandler = createFetchHandoffHandler(h.handoff, {
    basePath: "/api/checkout",
    clientAddress: () => "127.0.0.1",
  });
  bases.fetch = `${await listen(
    createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === "string") headers.set(name, value);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const response = await fetchHandler(
        new Request(`http://127.0.0.1${req.url}`, {
          method: req.method ?? "GET",
          headers,
          ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
        }),
      );
      const answered: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        answered[name] = value;
      });
      res.writeHead(response.status, answered);
      res.end(Buffer.from(await response.arrayBuffer()));
    }),
  )}/api/checkout`;
});
afterAll(async () => {
  for (const server of servers) server.close();
  await h.close();
});

async function post(url: string, body: string, type = "application/json") {
  const response = await fetch(url, { method: "POST", headers: { "content-type": type }, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe("the express adapter behind a merchant's express.json()", () => {
  it("still runs confirm", async () => {
    const cartId = await h.cart();
    const body = JSON.stringify({ cartId, processorToken: await h.token() });
    expect(await post(`${bases.parsedFirst}/confirm`, body)).toMatchObject({
      status: 200,
      body: { status: "approved" },
    });
  });
});

describe.each(["express", "node", "fetch"])("the %s adapter", (name) => {
  const base = () => bases[name] ?? "";

  it("runs session and confirm over HTTP", async () => {
    const cartId = await h.cart();
    expect((await post(`${base()}/session`, JSON.stringify({ cartId }))).status).toBe(200);
    const confirmed = await post(
      `${base()}/confirm`,
      JSON.stringify({ cartId, processorToken: await h.token() }),
    );
    expect(confirmed).toMatchObject({ status: 200, body: { status: "approved" } });
  });

  it("reads a JSON body sent as text/plain or with no Content-Type at all (Accelerate's example page)", async () => {
    const cartId = await h.cart();
    const plain = await post(
      `${base()}/confirm`,
      JSON.stringify({ cartId, processorToken: await h.token() }),
      "text/plain",
    );
    expect(plain).toMatchObject({ status: 200, body: { status: "approved" } });
    const other = await h.cart();
    const bare = await fetch(`${base()}/confirm`, {
      method: "POST",
      body: new Blob([JSON.stringify({ processorToken: await h.token(), cartId: other })]),
    });
    expect(bare.headers.get("content-type") ?? "").toContain("application/json");
    expect(await bare.json()).toMatchObject({ status: "approved" });
    const session = await post(`${base()}/session`, JSON.stringify({ cartId: await h.cart() }), "text/plain");
    expect(session.status).toBe(200);
  });

  it("answers 402 with the decline body", async () => {
    const cartId = await h.cart();
    const declined = await post(
      `${base()}/confirm`,
      JSON.stringify({ cartId, processorToken: await h.token("4544249167673670") }),
    );
    expect(declined).toMatchObject({
      status: 402,
      body: { status: "declined", code: "20051", category: "soft" },
    });
  });

  it("answers broken JSON, oversized bodies and wrong shapes with 4xx, never 500", async () => {
    expect(await post(`${base()}/confirm`, "{not json")).toMatchObject({
      status: 400,
      body: { error: "INVALID_REQUEST" },
    });
    const huge = JSON.stringify({ cartId: "x".repeat(40_000), processorToken: "tok" });
    expect((await post(`${base()}/confirm`, huge)).status).toBe(413);
    expect(await post(`${base()}/confirm`, "[]")).toMatchObject({ status: 400 });
    expect((await post(`${base()}/confirm`, "cartId=1", "application/x-www-form-urlencoded")).status).toBe(
      400,
    );
  });

  it("redirects back from 3-D Secure to the order page", async () => {
    const cartId = await h.cart();
    const pending = await post(
      `${base()}/confirm`,
      JSON.stringify({ cartId, processorToken: await h.token("4010061700000021") }),
    );
    const back = await fetch(pending.body.redirectUrl, {
      method: "POST",
      body: "action=authenticate&password=Checkout1%21",
      redirect: "manual",
    });
    const query = new URL(back.headers.get("location") ?? "").search;
    const landed = await fetch(`${base()}/3ds-return${query}`, { redirect: "manual" });
    expect(landed.status).toBe(303);
    expect(landed.headers.get("location")).toBe(`http://127.0.0.1:3000/orders/${pending.body.orderId}`);
    expect((await h.store.getOrder(pending.body.orderId))?.status).toBe("authorized");
  });

  it.each([
    ["GET", "/session", "POST"],
    ["PUT", "/session", "POST"],
    ["DELETE", "/session", "POST"],
    ["GET", "/confirm", "POST"],
    ["PATCH", "/confirm", "POST"],
    ["POST", "/3ds-return", "GET, HEAD"],
  ])("answers %s %s 405 METHOD_NOT_ALLOWED with Allow: %s", async (method, route, allow) => {
    const response = await fetch(`${base()}${route}`, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(await response.json()).toMatchObject({ error: "METHOD_NOT_ALLOWED" });
  });

  it("answers HEAD on the 3-D Secure return as GET, without a body", async () => {
    const response = await fetch(`${base()}/3ds-return`, { method: "HEAD" });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe("");
  });

  it("leaves other paths alone: the node handler passes them on, the others answer 404", async () => {
    const response = await fetch(`${base()}/elsewhere`);
    expect(response.status).toBe(404);
  });
});
