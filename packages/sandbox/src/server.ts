import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";
import { AccessTokens } from "./auth/access-tokens.js";
import { DisputeService } from "./disputes/service.js";
import type { Fault, FaultRoute } from "./faults.js";
import { createApp } from "./http/app.js";
import type { SandboxEnv } from "./http/env.js";
import { IdempotencyCache } from "./http/idempotency.js";
import type { SandboxPayment } from "./payments/model.js";
import { PaymentService } from "./payments/service.js";
import { seededRandom } from "./random.js";
import { newId, newKey } from "./random-ids.js";
import type { SandboxKeys, SandboxRuntime } from "./runtime.js";
import type { SettlementConfig } from "./settlement/model.js";
import { type SettlementRun, SettlementService } from "./settlement/service.js";
import { readState, type SandboxState, STATE_VERSION, writeState } from "./state/state-file.js";
import { type ChaosConfig, NO_CHAOS } from "./webhooks/chaos.js";
import { WebhookDelivery, type WebhookTarget } from "./webhooks/delivery.js";
import { disputeEventFor, paymentEvent, reportGeneratedEvent } from "./webhooks/events.js";

export type { SandboxKeys } from "./runtime.js";

export interface SandboxOptions {
  publicKey?: string;
  secretKey?: string;
  /** Key for `Cko-Signature`; generated when absent. */
  signatureKey?: string;
  /** Sent verbatim as `Authorization` on every webhook. */
  authorizationKey?: string;
  webhookUrls?: string[];
  /** Divides the webhook retry schedule and the auto-capture delay (60 turns 5 minutes into 5 seconds). */
  timeScale?: number;
  chaos?: ChaosConfig;
  seed?: number;
  /** Enable the legacy amount-based decline triggers (reference §7.2). */
  amountTriggers?: boolean;
  requireProcessingChannel?: boolean;
  /**
   * As strict as a real current-platform account: payments need a processing channel (422
   * `processing_channel_id_required`) and payment sessions a billing country (422
   * `billing_address_country_required`, a code we chose: Checkout.com's is UNCONFIRMED).
   */
  strict?: boolean;
  /** Delay between authorization and auto-capture, before time scaling. Default 2000 ms. */
  captureDelayMs?: number;
  /** The merchant's entity (`ent_…`) that balances and reports belong to; generated when absent. */
  entityId?: string;
  /**
   * Fee schedule, seeded finance faults and the settlement day's length (sandbox time, divided by
   * `timeScale`; default a day). Settlement also runs on `POST /_sandbox/settle`.
   */
  settlement?: Partial<SettlementConfig>;
  /**
   * Keep payments, disputes, settlements and the generated keys in this JSON file, so a restart
   * changes nothing anyone can see. Without it the sandbox forgets everything when it stops.
   */
  stateFile?: string;
}

/** Offline Checkout.com. Create, `listen()`, point the SDK's `host` at `url`. */
export class Sandbox implements SandboxRuntime {
  readonly keys: SandboxKeys;
  readonly payments: PaymentService;
  readonly disputes: DisputeService;
  readonly webhooks: WebhookDelivery;
  readonly settlement: SettlementService;
  /** Who reports and balances belong to: the entity and the client (`cli_…`) Checkout.com names. */
  readonly account: { entityId: string; clientId: string };
  readonly server: Server;
  webhookUrls: string[];
  chaos: ChaosConfig;
  timeScale: number;
  private random: ReturnType<typeof seededRandom>;
  private clockOffsetMs = 0;
  private readonly faults: Fault[] = [];
  readonly idempotency: IdempotencyCache;
  readonly accessTokens: AccessTokens;
  /** The routes, without a port: `sandbox.app.request("/payments/…")`. */
  readonly app: Hono<SandboxEnv>;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Distant deadlines (3-D Secure expiry): cleared on close, never waited for by `idle()`. */
  private readonly deadlines = new Set<ReturnType<typeof setTimeout>>();
  private baseUrl = "http://127.0.0.1";
  private settlementTimer: ReturnType<typeof setTimeout> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: SandboxOptions = {}) {
    const stored = options.stateFile ? readState(options.stateFile) : undefined;
    // Keys given now win; generated ones are kept, so clients configured last time still work.
    this.keys = {
      publicKey: options.publicKey ?? stored?.keys.publicKey ?? newKey("pk"),
      secretKey: options.secretKey ?? stored?.keys.secretKey ?? newKey("sk"),
      signatureKey:
        options.signatureKey ?? stored?.keys.signatureKey ?? newKey("sk").replace(/^sk_sbox_/, "whsec_"),
      authorizationKey: options.authorizationKey ?? stored?.keys.authorizationKey,
      clientId: stored?.keys.clientId ?? `ack_${newKey("sk").slice("sk_sbox_".length)}`,
      clientSecret: stored?.keys.clientSecret ?? newKey("sk").slice("sk_sbox_".length),
    };
    this.webhookUrls = [...(options.webhookUrls ?? [])];
    this.chaos = options.chaos ?? NO_CHAOS;
    this.timeScale = options.timeScale ?? 1;
    this.random = seededRandom(options.seed ?? 1);
    this.idempotency = new IdempotencyCache(() => this.now());
    this.webhooks = new WebhookDelivery({
      target: (): WebhookTarget => ({
        urls: this.webhookUrls,
        signatureKey: this.keys.signatureKey,
        authorizationKey: this.keys.authorizationKey,
      }),
      chaos: () => this.chaos,
      random: () => this.random,
      timeScale: () => this.timeScale,
    });
    this.payments = new PaymentService({
      now: () => this.now(),
      baseUrl: () => this.baseUrl,
      emit: (type, payment, action) => this.emitPaymentEvent(type, payment, action),
      later: (fn, ms) => this.later(fn, ms / this.timeScale),
      deadline: (fn, ms) => this.deadline(fn, ms / this.timeScale),
      timeScale: () => this.timeScale,
      captureDelayMs: options.captureDelayMs ?? 2000,
      amountTriggers: options.amountTriggers ?? false,
      requireProcessingChannel: options.requireProcessingChannel ?? options.strict ?? false,
      requireBillingCountry: options.strict ?? false,
    });
    this.account = {
      entityId: options.entityId ?? stored?.account.entityId ?? newId("ent"),
      clientId: stored?.account.clientId ?? newId("cli"),
    };
    this.settlement = new SettlementService(
      {
        now: () => this.now(),
        baseUrl: () => this.baseUrl,
        account: () => this.account,
        announce: (report) =>
          this.webhooks.emit(reportGeneratedEvent(report, this.account, this.baseUrl, this.now())),
      },
      options.settlement,
    );
    this.disputes = new DisputeService({
      now: () => this.now(),
      emit: (type, dispute) => {
        this.settlement.observeDispute(type, dispute, this.payments.find(dispute.paymentId));
        this.changed();
        return this.webhooks.emit(disputeEventFor(type, dispute, this.baseUrl, this.now()));
      },
      later: (fn, ms) => this.later(fn, ms / this.timeScale),
    });
    this.accessTokens = new AccessTokens(
      () => this.keys,
      () => this.now(),
    );
    if (stored) {
      this.payments.importState(stored.payments);
      for (const dispute of stored.disputes.disputes) this.disputes.disputes.set(dispute.id, dispute);
      for (const file of stored.disputes.files) this.disputes.files.set(file.id, file);
      this.settlement.importState(stored.settlement);
      if (options.settlement) this.settlement.config = { ...this.settlement.config, ...options.settlement };
    }
    this.app = createApp(this, () => this.changed());
    // At once, so the keys just generated are the ones the next start finds.
    this.save();
    this.server = createAdaptorServer({ fetch: this.app.fetch }) as Server;
    // Keep-alive sockets must not hold `close()` open in tests.
    this.server.keepAliveTimeout = 2000;
    this.scheduleSettlement();
  }

  /** Runs one settlement day now: payouts, their reports and `report_generated` webhooks. */
  settle(): SettlementRun {
    const run = this.settlement.settle((id) => this.payments.find(id));
    this.changed();
    return run;
  }

  /** The next settlement day, on the sandbox's own schedule (sandbox time ÷ time scale). */
  private scheduleSettlement(): void {
    if (this.settlementTimer) clearTimeout(this.settlementTimer);
    const delay = this.settlement.config.dayMs / this.timeScale;
    // Beyond setTimeout's range means "never on its own"; POST /_sandbox/settle still settles.
    if (!(delay > 0 && delay < 2 ** 31)) return;
    this.settlementTimer = setTimeout(() => {
      this.settle();
      this.scheduleSettlement();
    }, delay);
    this.settlementTimer.unref();
  }

  get url(): string {
    return this.baseUrl;
  }

  /** The sandbox's clock: real time plus whatever tests advanced it by (token expiry, idempotency windows). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
    return this.baseUrl;
  }

  /** Everything a restart must not forget (what the state file holds). */
  exportState(): SandboxState {
    return {
      version: STATE_VERSION,
      savedAt: new Date(this.now()).toISOString(),
      keys: this.keys,
      account: this.account,
      payments: this.payments.exportState(),
      disputes: { disputes: [...this.disputes.disputes.values()], files: [...this.disputes.files.values()] },
      settlement: this.settlement.exportState(),
    };
  }

  /** Something changed: with a state file, save soon (changes arriving together are saved once). */
  private changed(): void {
    if (!this.options.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.save(), 20);
  }

  /** Writes the state file now (no-op without one). */
  save(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.options.stateFile) writeState(this.options.stateFile, this.exportState());
  }

  async close(): Promise<void> {
    this.webhooks.stop();
    if (this.settlementTimer) clearTimeout(this.settlementTimer);
    for (const timer of [...this.timers, ...this.deadlines]) clearTimeout(timer);
    this.timers.clear();
    this.deadlines.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.save();
  }

  /**
   * Resolves once nothing is left to happen on its own: no auto-capture waiting, no webhook
   * scheduled, held or in flight. Tests wait on this instead of sleeping.
   */
  async idle(): Promise<void> {
    for (;;) {
      while (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await this.webhooks.idle();
      if (this.timers.size === 0) return;
    }
  }

  /** Forget every payment, token, event and fault; keys and configuration stay. */
  reset(): void {
    this.webhooks.clear();
    this.payments.reset();
    this.disputes.disputes.clear();
    this.disputes.files.clear();
    this.settlement.reset();
    this.scheduleSettlement();
    this.changed();
    this.idempotency.clear();
    this.faults.length = 0;
    this.clockOffsetMs = 0;
    for (const timer of [...this.timers, ...this.deadlines]) clearTimeout(timer);
    this.timers.clear();
    this.deadlines.clear();
    this.random = seededRandom(this.options.seed ?? 1);
  }

  setChaos(chaos: ChaosConfig, seed?: number): void {
    this.chaos = chaos;
    this.random = seededRandom(seed ?? this.options.seed ?? 1);
  }

  addFault(fault: Fault): void {
    this.faults.push({ ...fault, count: fault.count ?? 1 });
  }

  emitPaymentEvent(type: string, payment: SandboxPayment, action?: Parameters<typeof paymentEvent>[4]) {
    this.settlement.observePayment(type, payment, action);
    this.changed();
    return this.webhooks.emit(paymentEvent(type, payment, this.baseUrl, this.now(), action));
  }

  private deadline(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.deadlines.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.deadlines.add(timer);
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  takeFault(route: FaultRoute): Fault | undefined {
    const index = this.faults.findIndex((f) => f.route === route && (f.count ?? 1) > 0);
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.count = (fault.count ?? 1) - 1;
    if (fault.count === 0) this.faults.splice(index, 1);
    return fault;
  }
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new Sandbox(options);
}
