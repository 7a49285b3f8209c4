import { CATALOG } from "@handoff/demo-shop";
import { createSandbox, type Sandbox } from "@handoff/sandbox";
import { openDatabase, type SqlClient, SqlInventory } from "@handoff/server";
import { afterAll, beforeAll, describe, it } from "vitest";
import { freshPostgresDatabase } from "../../packages/server/src/test-support/postgres.js";
import { freePort } from "../support/free-port.js";
import { type Balancer, startBalancer } from "./support/balancer.js";
import { type ChildShop, startChildShop } from "./support/child-shop.js";
import { ledger, runs } from "./support/ledger.js";

/**
 * A rolling restart of two instances on one PostgreSQL behind a balancer that appends the client's
 * address to X-Forwarded-For (HANDOFF_TRUST_PROXY=loopback): while shoppers keep asking, each
 * instance in turn gets SIGTERM and comes back on its port. No request may hang or be cut off, and
 * each shopper keeps their own card-testing budget, shared by both instances.
 */
let sandbox: Sandbox;
let databaseUrl: string;
let db: SqlClient;
let lb: Balancer;
const shops: ChildShop[] = [];
const ports: number[] = [];
const PER_CLIENT = 3;

const start = (port: number) =>
  startChildShop(databaseUrl, {
    apiUrl: sandbox.url,
    keys: sandbox.keys,
    port,
    env: { HANDOFF_TRUST_PROXY: "loopback" },
    velocity: { perCart: 5, perClient: PER_CLIENT, windowMs: 60_000 },
  });

beforeAll(async () => {
  sandbox = createSandbox({ captureDelayMs: 30 });
  await sandbox.listen();
  databaseUrl = await freshPostgresDatabase();
  ports.push(await freePort(), await freePort());
  shops.push(...(await Promise.all(ports.map(start))));
  lb = await startBalancer(ports.map((p) => `http://127.0.0.1:${p}`));
  db = await openDatabase(databaseUrl, { applicationName: "gauntlet-reader" });
  await new SqlInventory(db).upsertProducts(CATALOG);
}, 90_000);
afterAll(async () => {
  await Promise.all(shops.map((s) => s.kill().catch(() => undefined)));
  await lb?.close();
  await db?.close();
  await sandbox?.close();
});

/** One request through the balancer; "hung" when no answer came within 10 s. */
async function ask(path: string, init: RequestInit = {}): Promise<number | "hung" | "error"> {
  try {
    const answer = await fetch(`${lb.url}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
    await answer.arrayBuffer();
    return answer.status;
  } catch (error) {
    return (error as Error).name === "TimeoutError" ? "hung" : "error";
  }
}

describe("a rolling restart behind a proxy", () => {
  it("leaves no request hanging or cut off, and no shopper limited by another's traffic", async () => {
    const answers: Array<number | "hung" | "error"> = [];
    let traffic = true;
    // Shoppers keep loading the checkout and the balancer keeps probing while instances restart.
    // Each checkout load is another shopper (the proxy's header says which), as on a busy day.
    let shopper = 0;
    const load = (async () => {
      while (traffic) {
        shopper++;
        const client = `198.18.${(shopper >> 8) & 255}.${shopper & 255}`;
        const cart = await new SqlInventory(db).createCart([{ sku: "mug", quantity: 1 }]);
        const cartId = cart.ok ? cart.cart.cartId : "cart_missing";
        answers.push(
          ...(await Promise.all([
            ask("/readyz"),
            ask("/api/checkout/session", {
              method: "POST",
              headers: { "x-forwarded-for": client },
              body: JSON.stringify({ cartId }),
            }),
          ])),
        );
      }
    })();
    // The balancer's health checks go to each instance directly, also while it boots.
    const probes: Array<number | "hung" | "error"> = [];
    const probing = ports.map(async (port) => {
      while (traffic) {
        const answer = await fetch(`http://127.0.0.1:${port}/readyz`, {
          signal: AbortSignal.timeout(5_000),
        }).then(
          (r) => r.status,
          (error: Error) => (error.name === "TimeoutError" ? "hung" : "refused"),
        );
        if (answer === "refused") await new Promise((resolve) => setImmediate(resolve));
        else probes.push(answer);
      }
    });
    const restarts = runs(1, 3);
    let cleanExits = 0;
    for (let round = 0; round < restarts; round++) {
      for (const i of [0, 1]) {
        cleanExits += (await shops[i]?.terminate()) === 0 ? 1 : 0;
        shops[i] = await start(ports[i] ?? 0);
      }
    }
    traffic = false;
    await Promise.all([load, ...probing]);

    // Through the balancer every shopper arrives from 127.0.0.1; the proxy's header says who they are.
    const confirmAs = (client: string) =>
      ask("/api/checkout/confirm", {
        method: "POST",
        headers: { "x-forwarded-for": client },
        body: JSON.stringify({ cartId: "cart_none", processorToken: "tok_aaaaaaaaaaaaaaaaaaaaaaaaaa" }),
      });
    const tester: Array<number | "hung" | "error"> = [];
    for (let i = 0; i <= PER_CLIENT; i++) tester.push(await confirmAs("203.0.113.10"));
    const neighbour = await confirmAs("203.0.113.11");

    const count = (what: (a: number | "hung" | "error") => boolean) => answers.filter(what).length;
    ledger("rolling-restart", [
      { check: "instances stopped cleanly by SIGTERM", expected: restarts * 2, actual: cleanExits },
      {
        check: "requests answered during the restarts (at least)",
        expected: "yes",
        actual: answers.length > 20 ? "yes" : `only ${answers.length}`,
      },
      { check: "requests that hung", expected: 0, actual: count((a) => a === "hung") },
      {
        check: "health checks answered while instances booted (at least)",
        expected: "yes",
        actual: probes.length > 20 ? "yes" : `only ${probes.length}`,
      },
      { check: "health checks that hung", expected: 0, actual: probes.filter((a) => a === "hung").length },
      {
        check: "requests cut off (connection error or 502)",
        expected: 0,
        actual: count((a) => a === "error" || a === 502),
      },
      {
        check: "answers other than 200, or 503 while starting",
        expected: 0,
        actual: count((a) => a !== 200 && a !== 503),
      },
      { check: "card tester limited after its budget (429)", expected: 429, actual: tester.at(-1) ?? "none" },
      {
        check: "card tester's confirms before the limit, across both instances",
        expected: PER_CLIENT,
        actual: tester.filter((a) => a === 404).length,
      },
      { check: "another shopper behind the same proxy", expected: 404, actual: neighbour },
    ]);
  }, 180_000);
});
