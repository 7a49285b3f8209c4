import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { newDestinationSecret } from "@handoff/server";
import { openSqlite } from "@handoff/server/sqlite";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, it } from "vitest";
import { type Receiver, startReceiver } from "../../packages/server/src/test-support/receiver.js";
import { startChildShop } from "./support/child-shop.js";
import { ledger, runs } from "./support/ledger.js";
import { OPS_TOKEN, startGauntletShop } from "./support/shop.js";
import { sandboxToken } from "./support/truth.js";

/**
 * A shop process killed with SIGKILL after its orders committed and while their events were on
 * the way to the merchant's system: once it is back, every committed event reaches that system,
 * each with its one webhook-id and a valid signature.
 */
let dir: string;
let sandbox: Sandbox;
let receiver: Receiver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handoff-outbox-"));
  sandbox = createSandbox({ captureDelayMs: 20 });
  await sandbox.listen();
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the outbox through a SIGKILL", () => {
  it("delivers every committed event after the crash, each signed and none invented", async () => {
    const databaseUrl = `file:${join(dir, "shop.db")}`;
    const secret = newDestinationSecret();
    const file = join(dir, "destinations.json");
    writeFileSync(file, JSON.stringify([{ id: "erp", url: receiver.url, secret, events: ["order.*"] }]));
    const options = {
      apiUrl: sandbox.url,
      keys: sandbox.keys,
      env: { HANDOFF_DESTINATIONS: file },
      outbox: { leaseMs: 1500, retryScheduleMs: [100, 200, 400, 800], pollMs: 100, timeoutMs: 60_000 },
      velocity: { perCart: 5, perClient: 100_000, windowMs: 60_000 },
    };
    // The merchant's system is slow: it never answers, so deliveries are in flight when the shop dies.
    let slow = true;
    receiver.respond = () => (slow ? 0 : 204);
    const first = await startChildShop(databaseUrl, options);
    sandbox.webhookUrls = [`${first.url}/webhooks/checkoutdotcom`];
    const orders = runs(8, 40);
    const placed: string[] = [];
    for (let i = 0; i < orders; i++) {
      const cart = (await (
        await post(first.url, "/api/carts", { items: [{ sku: "mug", quantity: 1 }] })
      ).json()) as {
        cartId: string;
      };
      await post(first.url, "/api/checkout/session", { cartId: cart.cartId });
      const answer = (await (
        await post(first.url, "/api/checkout/confirm", {
          cartId: cart.cartId,
          processorToken: sandboxToken(sandbox),
        })
      ).json()) as { orderId: string };
      placed.push(answer.orderId);
    }
    await sandbox.idle();
    // Every Checkout.com event processed (so each order's events are committed), then the crash.
    const reader = await openSqlite(databaseUrl);
    const unprocessed = async () =>
      Number(
        (
          await reader.execute(
            "SELECT COUNT(*) AS n FROM webhook_events WHERE status NOT IN ('processed', 'ignored')",
          )
        ).rows[0]?.n,
      );
    const settleBy = Date.now() + 10_000;
    while ((await unprocessed()) > 0 && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 50));
    await first.kill();

    const committed = (
      await reader.execute("SELECT event_id FROM outbox WHERE type LIKE 'order.%'")
    ).rows.map((r) => String(r.event_id));
    const deliveredBefore = Number(
      (await reader.execute("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'delivered'")).rows[0]?.n,
    );
    slow = false;
    const second = await startChildShop(databaseUrl, options);
    sandbox.webhookUrls = [`${second.url}/webhooks/checkoutdotcom`];
    const deadline = Date.now() + 20_000;
    const got = () =>
      new Set(receiver.received.filter((r) => r.status === 204).map((r) => String(r.headers["webhook-id"])));
    while (committed.some((id) => !got().has(id)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await second.stop();
    await reader.close();

    const verifier = new Webhook(secret);
    const badSignatures = receiver.received.filter((r) => {
      try {
        verifier.verify(r.body, r.headers as Record<string, string>);
        return false;
      } catch {
        return true;
      }
    }).length;
    const received = got();
    ledger("outbox-crash", [
      { check: "orders placed before the SIGKILL", expected: orders, actual: placed.length },
      {
        check: "order events committed (paid, captured each)",
        expected: orders * 2,
        actual: committed.length,
      },
      {
        check: "delivered before the SIGKILL (the receiver hung up on all)",
        expected: 0,
        actual: deliveredBefore,
      },
      {
        check: "committed events the receiver got after restart",
        expected: committed.length,
        actual: committed.filter((id) => received.has(id)).length,
      },
      {
        check: "webhook-ids the receiver got that were never committed",
        expected: 0,
        actual: [...received].filter((id) => !committed.includes(id)).length,
      },
      { check: "requests whose signature the official verifier refused", expected: 0, actual: badSignatures },
    ]);
  }, 120_000);
});

describe("a destination that accepts and never answers", () => {
  it("holds only its own lane: hooks and other destinations get new events at once; replays honour filters", async () => {
    const g = await startGauntletShop();
    const hanging = await startReceiver();
    const healthy = await startReceiver();
    const filtered = await startReceiver();
    try {
      const ops = (path: string, body: unknown) =>
        fetch(`${g.url}/ops/api${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${OPS_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      for (let i = 0; i < 10; i++) await g.confirm(await g.cart([{ sku: "mug", quantity: 1 }]), g.token());
      await g.sandbox.idle();
      const held = new Set<string>();
      hanging.respond = (request) => {
        held.add(String(request.headers["webhook-id"]));
        return 0;
      };
      await ops("/destinations", { id: "hanging", url: hanging.url, events: ["order.*"] });
      await ops("/destinations", { id: "healthy", url: healthy.url, events: ["order.*"] });
      await ops("/destinations", { id: "paid-only", url: filtered.url, events: ["order.paid"] });
      const ids = async (type: string) =>
        (await g.db.execute("SELECT event_id FROM outbox WHERE type = ? ORDER BY id", [type])).rows.map((r) =>
          String(r.event_id),
        );
      for (const eventId of (await ids("order.paid")).slice(0, 10))
        await ops("/destinations/hanging/replay", { eventId });
      const deadline = Date.now() + 15_000;
      while (held.size < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

      const next = (await (
        await g.confirm(await g.cart([{ sku: "mug", quantity: 1 }]), g.token())
      ).json()) as {
        orderId: string;
      };
      const arrived = () =>
        healthy.received.some((x) => {
          const body = JSON.parse(x.body) as { type: string; data: { orderId?: string } };
          return body.type === "order.paid" && body.data.orderId === next.orderId;
        });
      while (!arrived() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const hangingEnded = await g.count("delivery_attempts", "destination_id = 'hanging'");

      const captured = (await ids("order.captured"))[0] ?? "";
      const replayNotTaken = await ops("/destinations/paid-only/replay", { eventId: captured });
      const queuedForFiltered = await g.count(
        "deliveries",
        `destination_id = 'paid-only' AND event_id = '${captured}'`,
      );
      ledger("outbox-lanes", [
        { check: "deliveries held open by the hanging destination", info: held.size },
        {
          check: "the next order.paid reached the healthy destination",
          expected: "yes",
          actual: arrived() ? "yes" : "no",
        },
        { check: "... while hanging deliveries had ended (timed out)", expected: 0, actual: hangingEnded },
        {
          check: "replaying an event its filter does not take: answered / queued",
          expected: "422/0",
          actual: `${replayNotTaken.status}/${queuedForFiltered}`,
        },
      ]);
    } finally {
      for (const r of [hanging, healthy, filtered]) await r.close();
      await g.close();
    }
  }, 90_000);
});
