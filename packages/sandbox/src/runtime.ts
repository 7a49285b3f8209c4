import type { AccessTokens } from "./auth/access-tokens.js";
import type { DisputeService } from "./disputes/service.js";
import type { Fault, FaultRoute } from "./faults.js";
import type { IdempotencyCache } from "./http/idempotency.js";
import type { PaymentService } from "./payments/service.js";
import type { SettlementRun, SettlementService } from "./settlement/service.js";
import type { ChaosConfig } from "./webhooks/chaos.js";
import type { WebhookDelivery } from "./webhooks/delivery.js";

export interface SandboxKeys {
  publicKey: string;
  secretKey: string;
  signatureKey: string;
  authorizationKey?: string | undefined;
  /** OAuth access key (client id and secret), exchanged at `/connect/token` for bearer tokens. */
  clientId: string;
  clientSecret: string;
}

/**
 * What the route modules may use of a running sandbox. The `Sandbox` class provides it; routes
 * depend on this shape only, so nothing under `routes/` imports the class that mounts them.
 */
export interface SandboxRuntime {
  readonly keys: SandboxKeys;
  readonly payments: PaymentService;
  readonly disputes: DisputeService;
  readonly settlement: SettlementService;
  readonly account: { entityId: string; clientId: string };
  readonly webhooks: WebhookDelivery;
  readonly idempotency: IdempotencyCache;
  readonly accessTokens: AccessTokens;
  /** Where the sandbox listens; links in answers and webhooks point here. */
  readonly url: string;
  webhookUrls: string[];
  timeScale: number;
  now(): number;
  advanceClock(ms: number): void;
  idle(): Promise<void>;
  settle(): SettlementRun;
  reset(): void;
  setChaos(chaos: ChaosConfig, seed?: number): void;
  addFault(fault: Fault): void;
  takeFault(route: FaultRoute): Fault | undefined;
}
