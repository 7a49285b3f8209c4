import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CARD_FRAME_CSS, CARD_FRAME_HTML, cardFrameScript } from "./browser/card-frame.js";
import { CHALLENGE_CSS, challengeDonePage, challengePage } from "./browser/challenge.js";
import { componentsScript } from "./browser/components.js";
import { THREE_DS_PASSWORD } from "./cards.js";
import { controlRoutes } from "./control.js";
import { DisputeService } from "./disputes/service.js";
import type { Fault, FaultRoute } from "./faults.js";
import { IdempotencyCache } from "./http/idempotency.js";
import {
  BodyTooLargeError,
  type Reply,
  type RequestContext,
  Router,
  readBody,
  writeReply,
} from "./http/router.js";
import { type ApiResult, apiError } from "./payments/api-result.js";
import type { SandboxPayment } from "./payments/model.js";
import { type ActionKind, PaymentService } from "./payments/service.js";
import { seededRandom } from "./random.js";
import { newKey, newRequestId } from "./random-ids.js";
import { type ChaosConfig, NO_CHAOS } from "./webhooks/chaos.js";
import { WebhookDelivery, type WebhookTarget } from "./webhooks/delivery.js";
import { disputeEventFor, paymentEvent } from "./webhooks/events.js";

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
}

export interface SandboxKeys {
  publicKey: string;
  secretKey: string;
  signatureKey: string;
  authorizationKey?: string | undefined;
  /** OAuth access key (client id and secret), exchanged at `/connect/token` for bearer tokens. */
  clientId: string;
  clientSecret: string;
}

const API_VERSION = "3.31.4";

function keyMatches(header: string | undefined, key: string): boolean {
  if (!header) return false;
  const value = header.trim();
  return value === key || (/^bearer\s+/i.test(value) && value.replace(/^bearer\s+/i, "") === key);
}

/** Offline Checkout.com. Create, `listen()`, point the SDK's `host` at `url`. */
export class Sandbox {
  readonly keys: SandboxKeys;
  readonly payments: PaymentService;
  readonly disputes: DisputeService;
  readonly webhooks: WebhookDelivery;
  readonly server: Server;
  webhookUrls: string[];
  chaos: ChaosConfig;
  timeScale: number;
  private random: ReturnType<typeof seededRandom>;
  private clockOffsetMs = 0;
  private readonly faults: Fault[] = [];
  private readonly idempotency: IdempotencyCache;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Distant deadlines (3-D Secure expiry): cleared on close, never waited for by `idle()`. */
  private readonly deadlines = new Set<ReturnType<typeof setTimeout>>();
  private readonly router = new Router();
  private baseUrl = "http://127.0.0.1";

  constructor(private readonly options: SandboxOptions = {}) {
    this.keys = {
      publicKey: options.publicKey ?? newKey("pk"),
      secretKey: options.secretKey ?? newKey("sk"),
      signatureKey: options.signatureKey ?? newKey("sk").replace(/^sk_sbox_/, "whsec_"),
      authorizationKey: options.authorizationKey,
      clientId: `ack_${newKey("sk").slice("sk_sbox_".length)}`,
      clientSecret: newKey("sk").slice("sk_sbox_".length),
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
    this.disputes = new DisputeService({
      now: () => this.now(),
      emit: (type, dispute) => this.webhooks.emit(disputeEventFor(type, dispute, this.baseUrl, this.now())),
      later: (fn, ms) => this.later(fn, ms / this.timeScale),
    });
    this.routes();
    this.server = createServer((req, res) => {
      this.handle(req)
        .then((reply) => {
          if (reply === "drop") res.socket?.destroy();
          else writeReply(res, reply, { "cko-request-id": newRequestId(), "cko-version": API_VERSION });
        })
        .catch(() => {
          if (!res.headersSent) writeReply(res, { status: 500 }, {});
        });
    });
    // Keep-alive sockets must not hold `close()` open in tests.
    this.server.keepAliveTimeout = 2000;
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

  async close(): Promise<void> {
    this.webhooks.stop();
    for (const timer of [...this.timers, ...this.deadlines]) clearTimeout(timer);
    this.timers.clear();
    this.deadlines.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
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

  private takeFault(route: FaultRoute): Fault | undefined {
    const index = this.faults.findIndex((f) => f.route === route && (f.count ?? 1) > 0);
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.count = (fault.count ?? 1) - 1;
    if (fault.count === 0) this.faults.splice(index, 1);
    return fault;
  }

  private async handle(req: IncomingMessage): Promise<Reply | "drop"> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    if (req.method === "OPTIONS" && url.pathname === "/tokens") return { status: 204, headers: this.cors() };
    const match = this.router.match(req.method ?? "GET", url.pathname);
    if (match === undefined)
      return { status: 404, body: { request_id: newRequestId(), error_type: "resource_not_found" } };
    if (match === "method") return { status: 405 };
    let body: Promise<Buffer> | undefined;
    const ctx: RequestContext = {
      req,
      url,
      params: match.params,
      rawBytes: () => {
        body ??= readBody(req);
        return body;
      },
      rawBody: async () => (await ctx.rawBytes()).toString("utf8"),
    };
    try {
      return await match.handler(ctx);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return { status: 413 };
      if (error instanceof SyntaxError) {
        return apiError(400, ["request_json_invalid"], "request_malformed") as Reply;
      }
      throw error;
    }
  }

  /** OAuth bearer tokens handed out by `/connect/token`, with when they stop working. */
  private readonly accessTokens = new Map<string, number>();

  private validAccessToken(header: string | undefined): boolean {
    const token = header?.replace(/^bearer\s+/i, "");
    const expires = token ? this.accessTokens.get(token) : undefined;
    return expires !== undefined && expires > this.now();
  }

  /** `POST /connect/token`: the client-credentials grant, as Checkout.com's access host answers it. */
  private async issueAccessToken(ctx: RequestContext): Promise<Reply> {
    const form = new URLSearchParams(await ctx.rawBody());
    const basic = /^basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
    const clientId = form.get("client_id") ?? basicId;
    const clientSecret = form.get("client_secret") ?? basicSecret;
    if (form.get("grant_type") !== "client_credentials")
      return { status: 400, body: { error: "unsupported_grant_type" } };
    if (clientId !== this.keys.clientId || clientSecret !== this.keys.clientSecret) {
      return { status: 400, body: { error: "invalid_client" } };
    }
    const token = `oat_${newKey("sk").slice("sk_sbox_".length)}`;
    this.accessTokens.set(token, this.now() + 3600_000);
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: "Bearer",
        expires_in: 3600,
        scope: form.get("scope") ?? "gateway",
      },
    };
  }

  private cors(): Record<string, string> {
    return {
      "access-control-allow-origin": "*",
      "access-control-allow-headers": "authorization, content-type",
      "access-control-allow-methods": "POST, OPTIONS",
    };
  }

  private async json(ctx: RequestContext): Promise<Record<string, unknown>> {
    const text = await ctx.rawBody();
    if (text.trim() === "") return {};
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new SyntaxError("not an object");
    return value as Record<string, unknown>;
  }

  /**
   * Secret-key routes: 401 with an empty body otherwise, as Checkout.com answers. With an
   * `idempotencyScope`, `Cko-Idempotency-Key` covers the whole processing, scripted delays included,
   * so a retry that arrives while the first request is still running sees 429.
   */
  private secret(
    route: FaultRoute | undefined,
    work: (ctx: RequestContext) => ApiResult | Promise<ApiResult>,
    idempotencyScope?: string,
  ) {
    return async (ctx: RequestContext): Promise<Reply | "drop"> => {
      const authorized =
        keyMatches(ctx.req.headers.authorization, this.keys.secretKey) ||
        this.validAccessToken(ctx.req.headers.authorization);
      if (!authorized) return { status: 401 };
      return this.withFault(route, ctx, work, idempotencyScope);
    };
  }

  private async withFault(
    route: FaultRoute | undefined,
    ctx: RequestContext,
    work: (ctx: RequestContext) => ApiResult | Promise<ApiResult>,
    idempotencyScope?: string,
  ): Promise<Reply | "drop"> {
    const fault = route ? this.takeFault(route) : undefined;
    if (fault?.status) return { status: fault.status };
    const process = async () => {
      const reply = await work(ctx);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      return reply;
    };
    const key = ctx.req.headers["cko-idempotency-key"];
    const reply = idempotencyScope
      ? await this.idempotency.run(
          `${idempotencyScope} ${ctx.url.pathname}`,
          typeof key === "string" ? key : undefined,
          process,
          () => apiError(429, ["duplicate_request"], "too_many_requests"),
        )
      : await process();
    return fault?.drop ? "drop" : reply;
  }

  private routes(): void {
    const r = this.router;
    r.on("POST", "/connect/token", (ctx) => this.issueAccessToken(ctx));
    // Disputes and the files their evidence refers to (Checkout.com's Disputes and Files APIs).
    r.on(
      "GET",
      "/disputes",
      this.secret(undefined, (ctx) => this.disputes.list(ctx.url.searchParams, this.baseUrl)),
    );
    r.on(
      "GET",
      "/disputes/:id",
      this.secret(undefined, (ctx) => this.disputes.get(ctx.params.id ?? "", this.baseUrl)),
    );
    r.on(
      "POST",
      "/disputes/:id/accept",
      this.secret(undefined, (ctx) => this.disputes.accept(ctx.params.id ?? "")),
    );
    r.on(
      "GET",
      "/disputes/:id/evidence",
      this.secret(undefined, (ctx) => this.disputes.evidence(ctx.params.id ?? "")),
    );
    r.on(
      "PUT",
      "/disputes/:id/evidence",
      this.secret(undefined, async (ctx) =>
        this.disputes.provideEvidence(ctx.params.id ?? "", await this.json(ctx)),
      ),
    );
    r.on(
      "POST",
      "/disputes/:id/evidence",
      this.secret(undefined, (ctx) => this.disputes.submit(ctx.params.id ?? "")),
    );
    r.on(
      "POST",
      "/files",
      this.secret(undefined, async (ctx) => {
        const type = ctx.req.headers["content-type"] ?? "";
        if (!type.startsWith("multipart/form-data")) return apiError(422, ["file_required"]);
        let form: FormData;
        try {
          form = await new Request("http://sandbox/files", {
            method: "POST",
            headers: { "content-type": type },
            body: new Uint8Array(await ctx.rawBytes()),
          }).formData();
        } catch {
          return apiError(422, ["file_required"]);
        }
        const file = form.get("file");
        if (!file || typeof file === "string") return apiError(422, ["file_required"]);
        return this.disputes.upload(
          { filename: file.name, size: file.size },
          String(form.get("purpose") ?? ""),
          this.baseUrl,
        );
      }),
    );
    r.on("POST", "/tokens", async (ctx) => {
      if (!keyMatches(ctx.req.headers.authorization, this.keys.publicKey))
        return { status: 401, headers: this.cors() };
      const reply = await this.withFault("tokens", ctx, async (c) =>
        this.payments.createToken(await this.json(c)),
      );
      return reply === "drop" ? { status: 500 } : { ...reply, headers: this.cors() };
    });
    // What Flow's own Pay button calls (public key, like /tokens): a payment made from the session,
    // which is why token mode must turn that button off.
    r.on("POST", "/payment-sessions/:id/submit", async (ctx) => {
      if (!keyMatches(ctx.req.headers.authorization, this.keys.publicKey)) return { status: 401 };
      return this.payments.submitPaymentSession(ctx.params.id ?? "", await this.json(ctx));
    });
    r.on(
      "POST",
      "/payment-sessions",
      this.secret("payment-sessions", async (ctx) =>
        this.payments.createPaymentSession(await this.json(ctx)),
      ),
    );
    r.on(
      "POST",
      "/payments",
      this.secret("payments", async (ctx) => this.payments.createPayment(await this.json(ctx)), "payments"),
    );
    r.on(
      "GET",
      "/payments",
      this.secret(undefined, (ctx) => {
        const limit = Math.min(100, Math.max(1, Number(ctx.url.searchParams.get("limit") ?? 10) || 10));
        const skip = Math.max(0, Number(ctx.url.searchParams.get("skip") ?? 0) || 0);
        return this.payments.listPayments(ctx.url.searchParams.get("reference"), limit, skip);
      }),
    );
    r.on(
      "GET",
      "/payments/:id",
      this.secret("get-payment", (ctx) => this.payments.getPayment(ctx.params.id ?? "")),
    );
    r.on(
      "GET",
      "/payments/:id/actions",
      this.secret(undefined, (ctx) => this.payments.getActions(ctx.params.id ?? "")),
    );
    const actions: Array<[FaultRoute, ActionKind]> = [
      ["captures", "capture"],
      ["refunds", "refund"],
      ["voids", "void"],
    ];
    for (const [path, kind] of actions) {
      r.on(
        "POST",
        `/payments/:id/${path}`,
        this.secret(
          path,
          async (ctx) => this.payments.requestAction(ctx.params.id ?? "", kind, await this.json(ctx)),
          path,
        ),
      );
    }

    const js = "text/javascript; charset=utf-8";
    r.on("GET", "/checkout-web-components/index.js", (ctx) => ({
      status: 200,
      contentType: js,
      text: componentsScript({ origin: `http://${ctx.req.headers.host ?? new URL(this.baseUrl).host}` }),
      headers: { "access-control-allow-origin": "*", "cache-control": "no-cache" },
    }));
    r.on("GET", "/checkout-web-components/card-frame.html", () => ({
      status: 200,
      contentType: "text/html; charset=utf-8",
      text: CARD_FRAME_HTML,
      headers: { "content-security-policy": "default-src 'self'; frame-ancestors *" },
    }));
    r.on("GET", "/checkout-web-components/card-frame.js", () => ({
      status: 200,
      contentType: js,
      text: cardFrameScript(),
    }));
    r.on("GET", "/checkout-web-components/card-frame.css", () => ({
      status: 200,
      contentType: "text/css; charset=utf-8",
      text: CARD_FRAME_CSS,
    }));
    r.on("GET", "/favicon.ico", () => ({ status: 204 }));
    r.on("GET", "/3ds/challenge.css", () => ({
      status: 200,
      contentType: "text/css; charset=utf-8",
      text: CHALLENGE_CSS,
    }));
    r.on("GET", "/3ds/:sid", (ctx) => this.challenge(ctx.params.sid ?? ""));
    r.on("POST", "/3ds/:sid", async (ctx) => {
      const sid = ctx.params.sid ?? "";
      const form = new URLSearchParams(await ctx.rawBody());
      const failing = form.get("action") === "fail";
      if (!failing && form.get("password") !== THREE_DS_PASSWORD) {
        return this.challenge(sid, "That password is not right. In the sandbox it is Checkout1!");
      }
      const payment = this.payments.find(sid);
      if (payment?.status !== "Pending") return this.challenge(sid);
      const target = this.payments.completeChallenge(sid, !failing);
      if (target) return { status: 303, headers: { location: target } };
      return { status: 200, contentType: "text/html; charset=utf-8", text: challengeDonePage(!failing) };
    });
    controlRoutes(r, this);
  }

  private challenge(sid: string, error?: string): Reply {
    const payment = this.payments.find(sid);
    const html = "text/html; charset=utf-8";
    if (!payment)
      return {
        status: 404,
        contentType: html,
        text: "<!doctype html><title>Not found</title><p>No such authentication session.</p>",
      };
    if (payment.status !== "Pending") {
      return {
        status: 409,
        contentType: html,
        text: "<!doctype html><title>Done</title><p>This authentication is already complete.</p>",
      };
    }
    return { status: 200, contentType: html, text: challengePage(payment, sid, error) };
  }
}

export function createSandbox(options: SandboxOptions = {}): Sandbox {
  return new Sandbox(options);
}
