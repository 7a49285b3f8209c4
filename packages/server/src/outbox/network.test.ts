import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HandoffEvent } from "@handoff/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "../test-support/receiver.js";
import { startWebhookHarness, type WebhookHarness } from "../test-support/webhook-harness.js";
import { destinationInputSchema, toDestination } from "./destinations.js";
import { DestinationNetwork, DestinationRefusedError } from "./network.js";
import { sendToDestination } from "./send.js";
import { newDestinationSecret } from "./sign.js";
import { SqlOutbox } from "./sql-outbox.js";

/**
 * Destinations reach only the internet: an address that is not public is refused when a
 * destination is saved and again when a delivery connects, unless the merchant allows its network.
 */
let h: WebhookHarness;
const receivers: Receiver[] = [];
const servers: Server[] = [];
beforeAll(async () => {
  h = await startWebhookHarness({ outbox: { pollMs: 20, retryScheduleMs: [40], timeoutMs: 2000 } });
});
afterAll(async () => {
  for (const r of receivers) await r.close();
  for (const s of servers) s.closeAllConnections();
  for (const s of servers) s.close();
  await h.close();
});

const event: HandoffEvent = {
  id: "msg_network_test",
  type: "order.paid",
  timestamp: new Date().toISOString(),
  data: {
    orderId: "ord_x",
    reference: "ord_x",
    amount: 1450,
    currency: "GBP",
    status: "captured",
    occurredAt: new Date().toISOString(),
  },
};

const asDestination = (id: string, url: string, events = ["order.*"]) =>
  toDestination(destinationInputSchema.parse({ id, url, secret: newDestinationSecret(), events }), "ops");

/** The six, and the rest of what is not the internet, each as a URL. */
const REFUSED = [
  "http://169.254.169.254/latest/meta-data/",
  "http://10.0.0.1/",
  "http://192.168.1.20/",
  "http://172.16.5.4/",
  "http://[fd00::1]/",
  "http://100.100.100.200/",
  "http://127.0.0.1:9/",
  "http://[::1]/",
  "http://0.0.0.0/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:a9fe:a9fe]/",
  "http://[fe80::1]/",
  "http://[2002:a00:1::]/",
  "http://[64:ff9b::a00:1]/",
  "http://2130706433/",
  "http://0x7f.1/",
  // IPv4-compatible (the deprecated ::/96): judged as the IPv4 address they embed.
  "http://[::169.254.169.254]/",
  "http://[::127.0.0.1]/",
  "http://[::a00:1]/",
  // The rest of the IPv6 special-purpose registry, and what IANA has not made global unicast.
  "http://[100::1]/",
  "http://[2001::1]/",
  "http://[2001:2::1]/",
  "http://[2001:db8::1]/",
  "http://[2001:10::1]/",
  "http://[3fff::1]/",
  "http://[5f00::1]/",
  "http://[fec0::1]/",
  "http://[ff02::1]/",
  "http://[::1:0:0:1]/",
  "http://[4000::1]/",
];

describe("a destination's address", () => {
  it("is refused when saved unless it is on the public internet: 400 DESTINATION_NOT_ALLOWED, nothing stored", async () => {
    const outbox = new SqlOutbox(h.db, new DestinationNetwork());
    for (const [i, url] of REFUSED.entries()) {
      const saving = outbox.saveDestination(asDestination(`ssrf-${i}`, url), new Date().toISOString());
      await expect(saving, url).rejects.toBeInstanceOf(DestinationRefusedError);
      await expect(saving).rejects.toMatchObject({ code: "DESTINATION_NOT_ALLOWED", status: 400 });
    }
    expect((await outbox.destinations()).map((d) => d.id).filter((id) => id.startsWith("ssrf-"))).toEqual([]);
    // A public address is saved as before.
    await outbox.saveDestination(asDestination("public", "https://93.184.216.34/hooks"), "2026-01-01T00:00Z");
    expect(await outbox.destination("public")).toBeDefined();
    await outbox.deleteDestination("public");
  });

  it("is checked by what its name resolves to, and the merchant's allow list opens exactly the networks it names", async () => {
    const resolve = async () => [{ address: "10.1.2.3", family: 4 }];
    const strict = new SqlOutbox(h.db, new DestinationNetwork({ resolve }));
    await expect(
      strict.saveDestination(asDestination("inside", "https://hooks.corp.example/x"), "2026-01-01T00:00Z"),
    ).rejects.toMatchObject({ code: "DESTINATION_NOT_ALLOWED" });
    await expect(
      new SqlOutbox(h.db).saveDestination(
        asDestination("local", "http://localhost:8080/x"),
        "2026-01-01T00:00Z",
      ),
    ).rejects.toMatchObject({ code: "DESTINATION_NOT_ALLOWED" });

    const allowing = new SqlOutbox(h.db, new DestinationNetwork({ resolve, allow: ["10.1.0.0/16"] }));
    await allowing.saveDestination(
      asDestination("inside", "https://hooks.corp.example/x"),
      "2026-01-01T00:00Z",
    );
    expect(await allowing.destination("inside")).toBeDefined();
    await allowing.deleteDestination("inside");
    // Only that network: the metadata address and other private ranges stay refused.
    for (const url of ["http://169.254.169.254/", "http://10.2.0.1/", "http://192.168.1.20/"])
      await expect(
        allowing.saveDestination(asDestination("other", url), "2026-01-01T00:00Z"),
      ).rejects.toMatchObject({ code: "DESTINATION_NOT_ALLOWED" });
  });

  it("is checked again on connection: a name that resolved to the internet when saved and to loopback now reaches nothing", async () => {
    const r = await startReceiver();
    receivers.push(r);
    const port = new URL(r.url).port;
    let lookups = 0;
    // DNS rebinding: public for the check at save, the receiver's loopback for the connection.
    const network = new DestinationNetwork({
      resolve: async () => [{ address: lookups++ === 0 ? "93.184.216.34" : "127.0.0.1", family: 4 }],
    });
    const outbox = new SqlOutbox(h.db, network);
    const d = asDestination("rebinding", `http://rebind.example:${port}/hooks`);
    await outbox.saveDestination(d, new Date().toISOString());
    const result = await sendToDestination(d, event, new Date(), 2000, network);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/refused/);
    expect(r.received).toHaveLength(0);
    await outbox.deleteDestination("rebinding");
    await network.close();

    // The same name when loopback is allowed: the connection goes to the address resolved and checked.
    const open = new DestinationNetwork({
      allowLoopback: true,
      resolve: async () => [{ address: "127.0.0.1", family: 4 }],
    });
    const delivered = await sendToDestination(d, event, new Date(), 2000, open);
    expect(delivered).toMatchObject({ ok: true, statusCode: 204 });
    expect(r.received).toHaveLength(1);
    await open.close();
  });

  it("is refused at connect time even when stored without the check (a literal private address)", async () => {
    const r = await startReceiver();
    receivers.push(r);
    const result = await sendToDestination(
      asDestination("raw", r.url),
      event,
      new Date(),
      2000,
      new DestinationNetwork(),
    );
    expect(result).toMatchObject({ ok: false });
    expect(result.error).toMatch(/refused/);
    expect(r.received).toHaveLength(0);
  });

  it("is refused at connect time when the address is IPv4-compatible IPv6, literal or resolved", async () => {
    const strict = new DestinationNetwork({ resolve: async () => [{ address: "::a9fe:a9fe", family: 6 }] });
    for (const url of [
      "http://[::127.0.0.1]:9/hooks",
      "http://[::169.254.169.254]/",
      "http://meta.example/",
    ]) {
      const result = await sendToDestination(asDestination("compat", url), event, new Date(), 2000, strict);
      expect(result, url).toMatchObject({ ok: false });
      expect(result.error, url).toMatch(/^destination refused/);
    }
    await strict.close();
  });

  it("local mode allows loopback, so the demo's own receivers work", async () => {
    const r = await startReceiver();
    receivers.push(r);
    await h.outbox.store.saveDestination(asDestination("loopback-ok", r.url), new Date().toISOString());
    expect(await h.outbox.store.destination("loopback-ok")).toBeDefined();
    await h.outbox.store.deleteDestination("loopback-ok");
  });
});

describe("an address, as the network judges it", () => {
  it("refuses IPv4-compatible IPv6 as the IPv4 address it embeds, however it is written", () => {
    const strict = new DestinationNetwork();
    // The dotted form is how the system's resolver writes them.
    for (const address of ["::a9fe:a9fe", "::169.254.169.254", "::7f00:1", "::127.0.0.1", "::c0a8:114"])
      expect(strict.refusal(address), address).toMatch(/not on the public internet/);
    expect(strict.refusal("::808:808")).toBeUndefined();
    expect(strict.refusal("::8.8.8.8")).toBeUndefined();
    // Loopback only in local mode, as for 127.0.0.1 itself; the allow list covers what it embeds.
    expect(new DestinationNetwork({ allowLoopback: true }).refusal("::7f00:1")).toBeUndefined();
    expect(new DestinationNetwork({ allow: ["10.1.0.0/16"] }).refusal("::a01:203")).toBeUndefined();
    expect(new DestinationNetwork({ allow: ["10.1.0.0/16"] }).refusal("::a02:203")).toBeDefined();
  });

  it("takes IPv6 global unicast and nothing else", () => {
    const strict = new DestinationNetwork();
    for (const address of ["2606:4700:4700::1111", "2a00:1450:4009:80b::200e", "2001:4860:4860::8888"])
      expect(strict.refusal(address), address).toBeUndefined();
    // Special-purpose blocks ipaddr.js names, then space IANA keeps outside 2000::/3 (it calls that unicast).
    for (const address of ["::", "::1", "::ffff:0:a00:1", "64:ff9b:1::1", "2001:1::1", "2620:4f:8000::1"])
      expect(strict.refusal(address), address).toMatch(/not on the public internet/);
    for (const address of ["::1:0:0:1", "100:0:0:1::1", "4000::1", "e000::1"])
      expect(strict.refusal(address), address).toMatch(/not on the public internet \(reserved\)/);
  });
});

describe("a destination's answer", () => {
  it("is read up to 1 KB and no further: an endless answer still ends the attempt at once", async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "text/plain" });
        const chunk = "x".repeat(16 * 1024);
        // Never ends: a sender that read the whole answer would wait for its timeout.
        const pump = () => {
          while (res.write(chunk));
          res.once("drain", pump);
        };
        pump();
      });
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const result = await sendToDestination(
      asDestination("chatty", url),
      event,
      new Date(),
      20_000,
      new DestinationNetwork({ allowLoopback: true }),
    );
    expect(result).toMatchObject({ ok: true, statusCode: 200 });
    expect(result.responseExcerpt?.length).toBe(300);
    expect(result.error).toBeUndefined();
  });
});

describe("replaying one event", () => {
  it("honours the destination's events filter", async () => {
    const r = await startReceiver();
    receivers.push(r);
    await h.outbox.store.saveDestination(
      asDestination("paid-only", r.url, ["order.paid"]),
      new Date().toISOString(),
    );
    const cartId = await h.cart([{ sku: "mug", quantity: 1 }]);
    const reply = await h.handoff.confirm({ cartId, processorToken: await h.token() });
    const orderId = (reply.body as { orderId: string }).orderId;
    await h.waitUntilQuiet();
    const events = await h.outbox.store.eventsOfOrder(orderId);
    const captured = events.find((e) => e.type === "order.captured");
    const paid = events.find((e) => e.type === "order.paid");
    expect(captured && paid).toBeTruthy();
    const now = new Date().toISOString();
    expect(await h.outbox.store.replayOne("paid-only", captured?.id ?? "", now)).toBe("not_taken");
    expect(await h.outbox.store.redeliver("paid-only", captured?.id ?? "", now)).toBe(false);
    expect(await h.outbox.store.replayOne("paid-only", paid?.id ?? "", now)).toBe("queued");
    expect(await h.outbox.store.replayOne("paid-only", "msg_nope", now)).toBe("no_event");
    h.outbox.worker.wake();
    await h.waitUntilQuiet();
    const types = r.received.map((x) => (JSON.parse(x.body) as { type: string }).type);
    expect(types).not.toContain("order.captured");
    expect(types.filter((t) => t === "order.paid").length).toBeGreaterThanOrEqual(2);
  });
});
