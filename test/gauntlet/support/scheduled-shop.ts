import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, type Sandbox, type StoredEvent, signBody } from "@handoff/sandbox";
import {
  CheckoutComProcessor,
  createHandoff,
  createWebhooks,
  type Handoff,
  type HandoffDeps,
  openDatabase,
  type PaymentProcessor,
  type SqlClient,
  SqlInventory,
  SqlOrderStore,
  type Webhooks,
  WebhookWorker,
} from "@handoff/server";
import { pino } from "pino";
import { freshPostgresDatabase, testEngine } from "../../../packages/server/src/test-support/postgres.js";
import type { Stage } from "./scheduler.js";

/** Time as the shop sees it: a millisecond per reading, jumps only when a run says so. */
export class VirtualClock {
  constructor(private at: number) {}
  readonly now = (): Date => new Date(++this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

/**
 * The real parts (sandbox over HTTP, the official SDK, SQLite or PostgreSQL, the webhook receiver and
 * worker), wired so a run's stage decides when things happen: each processor call's request and
 * answer is a scheduled point, each webhook the sandbox sends and each auto-capture it plans is an
 * actor of its own. Nothing runs on a timer.
 */
export class ScheduledShop {
  /** The run in progress; processor calls, webhooks and captures go through it. */
  stage: Stage | undefined;
  /** Deliver every webhook twice, the second time processed again (at-least-once, as a replay does). */
  duplicateWebhooks = false;
  private events = 0;

  private constructor(
    readonly engine: "sqlite" | "postgres",
    readonly sandbox: Sandbox,
    readonly db: SqlClient,
    readonly deps: HandoffDeps,
    readonly handoff: Handoff,
    readonly inventory: SqlInventory,
    readonly webhooks: Webhooks,
    readonly clock: VirtualClock,
    private readonly dir: string,
  ) {
    this.wireSandbox();
  }

  static async start(engine = testEngine()): Promise<ScheduledShop> {
    const dir = await mkdtemp(join(tmpdir(), "handoff-interleavings-"));
    // No webhook URL: the sandbox keeps its events and the stage delivers them.
    const sandbox = createSandbox({ captureDelayMs: 1000 });
    await sandbox.listen();
    const url = engine === "postgres" ? await freshPostgresDatabase() : `file:${join(dir, "handoff.db")}`;
    const db = await openDatabase(url);
    const clock = new VirtualClock(Date.now());
    const inventory = new SqlInventory(db, clock.now);
    // The shop exists only below, and the processor is needed before it: it finds the run's stage through `shop`.
    let shop: ScheduledShop | undefined;
    const real = new CheckoutComProcessor({
      secretKey: sandbox.keys.secretKey,
      publicKey: sandbox.keys.publicKey,
      host: sandbox.url,
      timeoutMs: 10_000,
      retry: { attempts: 3, baseDelayMs: 20 },
    });
    const returnUrl = "http://127.0.0.1:3000/api/checkout/3ds-return";
    const deps: HandoffDeps = {
      store: new SqlOrderStore(db, clock.now),
      inventory,
      processor: scheduledProcessor(real, () => shop?.stage),
      settings: {
        environment: "local",
        publicKey: sandbox.keys.publicKey,
        processingChannelFor: () => undefined,
        threeDsReturnUrl: returnUrl,
        orderPageUrl: (id) => `http://127.0.0.1:3000/orders/${id}`,
        threeDs: true,
      },
      logger: pino({ level: "silent" }),
      now: clock.now,
    };
    const webhooks = createWebhooks({ db, deps, signatureKeys: [sandbox.keys.signatureKey] });
    const handoff = createHandoff(deps);
    if (handoff.deps.processor !== deps.processor) {
      throw new Error(
        "the use cases would call Checkout.com outside the schedule: give them the scheduled processor",
      );
    }
    shop = new ScheduledShop(engine, sandbox, db, deps, handoff, inventory, webhooks, clock, dir);
    return shop;
  }

  /** A new run: the sandbox forgets the last one's payments, tokens and events. */
  begin(stage: Stage, duplicateWebhooks: boolean): void {
    this.sandbox.reset();
    this.stage = stage;
    this.duplicateWebhooks = duplicateWebhooks;
    this.events = 0;
  }

  token(number = "4242424242424242"): string {
    const made = this.sandbox.payments.createToken({
      type: "card",
      number,
      expiry_month: 12,
      expiry_year: 2040,
      cvv: "100",
    });
    return (made.body as { token: string }).token;
  }

  /** Time passes for the shop and for Checkout.com alike (3-D Secure expiry, the sweep's thresholds). */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.sandbox.advanceClock(ms);
  }

  async close(): Promise<void> {
    await this.sandbox.close();
    await this.db.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private wireSandbox(): void {
    const emit = this.sandbox.webhooks.emit.bind(this.sandbox.webhooks);
    this.sandbox.webhooks.emit = (envelope) => {
      const event = emit(envelope);
      this.webhookSent(event);
      return event;
    };
    // Auto-capture is Checkout.com acting on its own: an actor the scheduler places, not a timer. The
    // sandbox plans it through its (private) `later`, looked up on the instance at each call.
    const planned = this.sandbox as unknown as { later: (fn: () => void, ms: number) => void };
    planned.later = (fn) => this.stage?.spawn("auto-capture", async () => fn());
  }

  private webhookSent(event: StoredEvent): void {
    const stage = this.stage;
    if (!stage) return;
    const name = `webhook ${event.type} ${++this.events}`;
    stage.spawn(name, () => this.deliver(event, false, name));
    if (this.duplicateWebhooks)
      stage.spawn(`${name} again`, () => this.deliver(event, true, `${name} again`));
  }

  /**
   * A worker of its own, as if on another instance: one worker's pass handles one event at a time,
   * so a pass parked in a processor call would hold every other delivery behind it.
   */
  drainInbox(instanceId: string): Promise<void> {
    return new WebhookWorker(this.webhooks.inbox, this.deps, { instanceId, baseBackoffMs: 250 }).drain();
  }

  /** As Checkout.com delivers: signed, stored by the receiver, then processed by the worker. */
  private async deliver(event: StoredEvent, again: boolean, instanceId: string): Promise<void> {
    const body = new TextEncoder().encode(event.body);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "cko-signature": signBody(event.body, this.sandbox.keys.signatureKey),
    };
    const reply = await this.webhooks.receiver({
      method: "POST",
      header: (name) => headers[name.toLowerCase()],
      headerNames: Object.keys(headers),
      body,
      bodySize: body.byteLength,
    });
    if (reply.status !== 200)
      throw new Error(`webhook refused: ${reply.status} ${JSON.stringify(reply.body)}`);
    // Processed again, whatever happened the first time (a lease that lapsed, an operator's replay).
    if (again) await this.webhooks.reprocess(event.id);
    await this.drainInbox(instanceId);
  }
}

/** Every processor call parks twice: before its request leaves, and before its answer is taken. */
function scheduledProcessor(real: PaymentProcessor, stage: () => Stage | undefined): PaymentProcessor {
  return new Proxy(real, {
    get: (target, property, receiver) => {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await stage()?.point(`→ ${String(property)}`);
        const answer: unknown = await value.apply(target, args);
        await stage()?.point(`← ${String(property)}`);
        return answer;
      };
    },
  });
}
