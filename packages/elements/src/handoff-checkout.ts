import type { CheckoutError, Component } from "@checkout.com/checkout-web-components";
import type { CheckoutBilling, CheckoutCustomer } from "@handoff/contracts";
import { html, LitElement, nothing, type PropertyValues } from "lit";
import {
  type ErrorBody,
  fetchSession,
  isUnanswered,
  type Outcome,
  postConfirm,
  RequestError,
  toOutcome,
} from "./api.js";
import { loadComponents } from "./components-loader.js";
import { fill, type Strings, stringsFor } from "./strings.js";
import { styles } from "./styles.js";
import type {
  CheckoutFlow,
  CheckoutMode,
  ErrorDetail,
  HandoffEventMap,
  HandoffOptions,
  PaymentInitiatedDetail,
  Session,
  WidgetErrorCode,
} from "./types.js";
import { VERSION } from "./version.js";

/**
 * `blocked`: the server's answer ends this checkout (already paid, sold out) and names where to go
 * instead; no Pay, no Try again.
 */
type State =
  | "idle"
  | "loading"
  | "ready"
  | "processing"
  | "success"
  | "declined"
  | "error"
  | "redirecting"
  | "blocked";
type Tone = "info" | "error" | "success";

const MODE: CheckoutMode = "CheckoutDotComToken";
/** After this long without an answer, the widget asks again with the same token instead of guessing. */
const CONFIRM_TIMEOUT_MS = 20_000;
/** How often it asks again (the same token is answered idempotently) before offering to check later. */
const RECHECKS = 4;

/**
 * `<handoff-checkout>`: card payment in `CheckoutDotComToken` mode. The card fields are Checkout.com's
 * iframe, mounted in this element's light DOM (slotted in) so payment iframes and 3-D Secure never live
 * inside our shadow root; the widget itself never sees card data, only the token.
 *
 * @tag handoff-checkout
 * @fires handoff-ready - The card form is ready; detail `{amount, currency}`.
 * @fires handoff-tokenized - Checkout.com returned a token; detail `PaymentInitiatedDetail`.
 * @fires handoff-success - The payment was approved; detail `{status, orderId, paymentId, needsReview?}`.
 * @fires handoff-decline - The payment was declined; detail `{code, category, retryable, message}`.
 * @fires handoff-requires-action - 3-D Secure; cancelable: prevent it to do the redirect yourself.
 * @fires handoff-error - Anything else; detail `{code, message, retryable}`.
 * @csspart container - Everything inside the element (or the dialog).
 * @csspart pay-button - The Pay button.
 * @csspart message - The status line (errors, declines, success).
 * @csspart retry-button - Try again, when trying again can help.
 * @csspart link - Where to go next (the paid order, the cart).
 * @csspart open-button - The Modal flow's button that opens the dialog.
 * @csspart dialog - The Modal flow's dialog.
 * @slot card - Where Checkout.com's card iframe is mounted (in the light DOM); the element fills it itself.
 * @cssprop --handoff-color-primary - Buttons and focus rings.
 * @cssprop --handoff-color-danger - Errors and declines.
 * @cssprop --handoff-color-success - Success.
 * @cssprop --handoff-color-text - Text.
 * @cssprop --handoff-color-on-primary - Text on the Pay button.
 * @cssprop --handoff-radius - Corner radius.
 * @cssprop --handoff-font - Font shorthand.
 * @cssprop --handoff-card-height - Space kept for the card fields before they load.
 */
export class HandoffCheckout extends LitElement {
  /** Which Handoff registered the tag: a second copy on the page compares versions. */
  static readonly handoffVersion = VERSION;
  static override styles = styles;
  static override properties = {
    checkoutMode: { attribute: "checkout-mode" },
    checkoutFlow: { attribute: "checkout-flow" },
    sessionUrl: { attribute: "session-url" },
    confirmUrl: { attribute: "confirm-url" },
    cartId: { attribute: "cart-id" },
    cartUrl: { attribute: "cart-url" },
    confirmTimeoutMs: { attribute: "confirm-timeout", type: Number },
    locale: {},
    appearance: { attribute: false },
    customer: { attribute: false },
    billing: { attribute: false },
    strings: { attribute: false },
    onPaymentInitiated: { attribute: false },
    state: { state: true },
    message: { state: true },
  };

  /** An attribute can still say anything: `start()` refuses any other mode with a clear error. */
  declare checkoutMode: CheckoutMode;
  declare checkoutFlow: CheckoutFlow;
  declare sessionUrl: string;
  declare confirmUrl: string;
  declare cartId: string;
  /** Where the shopper edits the cart (linked when something sold out). */
  declare cartUrl: string;
  declare confirmTimeoutMs: number;
  declare locale: string;
  declare appearance: Record<string, unknown> | undefined;
  /** Who pays (email, name): sent with the session for Checkout.com's risk engine and Flow. */
  declare customer: CheckoutCustomer | undefined;
  /** The billing country (ISO 3166 alpha-2), sent with the session. */
  declare billing: CheckoutBilling | undefined;
  declare strings: Partial<Strings> | undefined;
  declare onPaymentInitiated: HandoffOptions["onPaymentInitiated"];
  /** @internal */
  declare state: State;
  /** @internal */
  declare message: string;

  #tone: Tone = "info";
  #retryAction: (() => void) | undefined;
  /** Where a `blocked` screen sends the shopper (their paid order, the cart). */
  #link: { href: string; text: string } | undefined;
  #session: Session | undefined;
  #card: Component | undefined;
  #cardHost: HTMLElement | undefined;
  #started = false;
  #teardown: ReturnType<typeof setTimeout> | undefined;
  /** Synchronous guard: a double click never sends two confirms. */
  #busy = false;

  constructor() {
    super();
    this.checkoutMode = MODE;
    this.checkoutFlow = "InlinePayment";
    this.sessionUrl = "";
    this.confirmUrl = "";
    this.cartId = "";
    this.cartUrl = "";
    this.confirmTimeoutMs = CONFIRM_TIMEOUT_MS;
    this.locale = "";
    this.state = "idle";
    this.message = "";
  }

  get #language(): string {
    return this.locale || globalThis.navigator?.language || "en";
  }

  get #t(): Strings {
    return stringsFor(this.#language, this.strings);
  }

  /** Formatted by the server in the language this element asked in: what is shown is what is charged. */
  get #amountText(): string {
    return this.#session?.amountText ?? "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-connected within the same turn (React StrictMode, a DOM move): keep everything as it is.
    if (this.#teardown) clearTimeout(this.#teardown);
    this.#teardown = undefined;
    // Moved in the DOM (React StrictMode, a reparent): the card goes with it.
    if (this.#cardHost && !this.#cardHost.isConnected) this.append(this.#cardHost);
  }

  /**
   * The light-DOM node Checkout.com's iframe mounts in, made when the card is: a server-rendered
   * page hydrates `<handoff-checkout>` with no children, and one added earlier would not match.
   */
  #hostForCard(): HTMLElement {
    if (!this.#cardHost) {
      this.#cardHost = document.createElement("div");
      this.#cardHost.slot = "card";
      this.#cardHost.dataset.handoffCard = "";
    }
    if (!this.#cardHost.isConnected) this.append(this.#cardHost);
    return this.#cardHost;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#teardown = setTimeout(() => this.#reset(), 0);
  }

  /** Unmounts the card and forgets the session; a later connection starts afresh. */
  #reset(): void {
    this.#teardown = undefined;
    this.#link = undefined;
    this.#retryAction = undefined;
    this.message = "";
    try {
      this.#card?.unmount();
    } catch {
      // already unmounted
    }
    this.#card = undefined;
    this.#session = undefined;
    this.#started = false;
    this.#busy = false;
    this.state = "idle";
  }

  protected override updated(changed: PropertyValues): void {
    // A new cart (a React prop, a single-page cart edit) is a new amount: never keep showing the old one.
    const newSession = ["cartId", "customer", "billing"].some((k) => changed.has(k) && changed.get(k));
    if (newSession && this.#started && this.state !== "redirecting" && this.state !== "processing") {
      this.#reset();
    }
    if (this.#cardHost) this.#cardHost.inert = this.state === "processing";
    if (!this.#started && this.isConnected && this.sessionUrl && this.cartId) {
      this.#started = true;
      // After this update, not inside it: start() changes state, which schedules the next one.
      queueMicrotask(() => void this.#start());
    }
    if (changed.has("state") && ["declined", "error", "success"].includes(this.state)) {
      // Move focus to the message so keyboard and screen-reader users hear what happened.
      this.renderRoot.querySelector<HTMLElement>(".message")?.focus();
    }
  }

  /** @ignore */
  #emit<K extends keyof HandoffEventMap>(name: K, detail: HandoffEventMap[K], cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
  }

  #fail(detail: ErrorDetail, text: string, retry?: () => void): void {
    this.state = "error";
    this.#tone = "error";
    this.message = text;
    this.#retryAction = detail.retryable ? retry : undefined;
    this.#emit("handoff-error", detail);
  }

  /** An answer that ends this checkout: say why, link where to go, offer nothing that can only fail. */
  #block(detail: ErrorDetail, text: string, link?: { href: string; text: string }): void {
    this.#fail(detail, text);
    this.state = "blocked";
    this.#link = link;
  }

  /** ORDER_COMPLETED and OUT_OF_STOCK get their own screens; true when `error` was one of them. */
  #blockFor(error: RequestError | { code: string; body?: ErrorBody }): boolean {
    const body = "body" in error ? error.body : undefined;
    if (error.code === "ORDER_COMPLETED") {
      const href = body?.orderUrl;
      this.#block(
        { code: error.code, message: "This cart has already been paid for.", retryable: false },
        this.#t.alreadyPaid,
        href ? { href, text: this.#t.viewOrder } : undefined,
      );
      return true;
    }
    if (error.code === "OUT_OF_STOCK") {
      const names = (body?.lines ?? []).map((l) => l.name ?? l.sku).join(", ");
      this.#block(
        { code: error.code, message: `Out of stock: ${names}`, retryable: false },
        names ? fill(this.#t.soldOut, { items: names }) : this.#t.outOfStock,
        this.cartUrl ? { href: this.cartUrl, text: this.#t.editCart } : undefined,
      );
      return true;
    }
    return false;
  }

  async #start(): Promise<void> {
    this.#retryAction = undefined;
    if (this.checkoutMode !== MODE) {
      const message = `checkout-mode "${this.checkoutMode}" is not supported; use "${MODE}".`;
      console.error(`<handoff-checkout>: ${message}`);
      this.#fail({ code: "unsupported_checkout_mode", message, retryable: false }, this.#t.misconfigured);
      return;
    }
    this.state = "loading";
    this.#tone = "info";
    this.message = this.#t.loading;
    const restart = () => {
      this.#reset();
      this.requestUpdate();
    };
    try {
      this.#session = await fetchSession(
        this.sessionUrl,
        { cartId: this.cartId, customer: this.customer, billing: this.billing },
        this.#language,
      );
    } catch (error) {
      const e = error instanceof RequestError ? error : new RequestError("NETWORK_ERROR", true);
      if (this.#blockFor(e)) return;
      const text =
        e.code === "NETWORK_ERROR"
          ? this.#t.networkError
          : e.code === "CART_CHANGED"
            ? this.#t.cartChanged
            : e.code === "ATTEMPT_IN_PROGRESS"
              ? this.#t.stillChecking
              : this.#t.unavailable;
      this.#fail(
        { code: e.code, message: "The checkout session could not be created.", retryable: e.retryable },
        text,
        restart,
      );
      return;
    }
    // Resolves when the card fields are ready; a loader failure is shown (with Try again) instead.
    await new Promise<void>((resolve) => {
      void loadComponents(this.#session as Session, {
        ...(this.locale ? { locale: this.locale } : {}),
        ...(this.appearance ? { appearance: this.appearance } : {}),
        onReady: () => resolve(),
        onChange: () => this.requestUpdate(),
        onError: (_component, error) => this.#cardError(error),
      })
        .then(async (checkout) => {
          if (!this.#started) return;
          // Our Pay button is the only one: Flow's own would pay through the session, without confirm.
          const card = checkout.create("card", { showPayButton: false });
          if (!(await card.isAvailable()))
            throw Object.assign(new Error("card unavailable"), { code: "component_not_available" });
          this.#card = card.mount(this.#hostForCard());
        })
        .catch((error: unknown) => this.#loaderFailed(error, restart));
    });
    if (this.state !== "loading") return;
    this.state = "ready";
    // Sent back by a failed 3-D Secure: say why above the fresh card form.
    const notice = this.#session.notice;
    this.#tone = notice ? "error" : "info";
    this.message = notice?.message ?? "";
    this.#emit("handoff-ready", { amount: this.#session.amount, currency: this.#session.currency });
  }

  #loaderFailed(error: unknown, retry: () => void): void {
    const code = (error as { code?: WidgetErrorCode }).code ?? "script_failed";
    this.#fail(
      { code, message: "The secure card form could not be loaded.", retryable: true },
      this.#t.networkError,
      retry,
    );
  }

  #cardError(error: CheckoutError): void {
    if (this.state === "processing") return;
    this.#tone = "error";
    this.message = this.#t.genericError;
    this.#emit("handoff-error", { code: error.code, message: error.message, retryable: true });
  }

  /** Pays: tokenizes the card and confirms. The Pay button calls it; in the Inline flow, your own button does. */
  async submit(): Promise<void> {
    if (this.#busy || !this.#card || !["ready", "declined", "error"].includes(this.state)) return;
    await this.#whileBusy(async () => {
      const token = await this.#tokenize();
      if (token) await this.#confirmWith(token);
    });
  }

  /** One payment at a time, held through re-tokenization and re-checks: a double click sends one confirm. */
  async #whileBusy(work: () => Promise<void>): Promise<void> {
    this.#busy = true;
    this.state = "processing";
    this.#tone = "info";
    this.message = this.#t.processing;
    this.#retryAction = undefined;
    try {
      await work();
    } finally {
      this.#busy = false;
    }
  }

  async #tokenize(): Promise<PaymentInitiatedDetail | undefined> {
    try {
      const result = (await this.#card?.tokenize()) as
        | {
            data?: { token: string; scheme?: string; last4?: string; bin?: string };
            risk?: { device_session_id?: string };
          }
        | undefined;
      const data = result?.data;
      if (!data?.token) throw Object.assign(new Error("no token"), { code: "tokenize_failed" });
      const device = result?.risk?.device_session_id;
      const detail: PaymentInitiatedDetail = {
        processorToken: data.token,
        cartId: this.cartId,
        // There is a card to tokenize only once the session is here.
        amount: (this.#session as Session).amount,
        currency: (this.#session as Session).currency,
        ...(device ? { deviceSessionId: device } : {}),
        card: { scheme: data.scheme, last4: data.last4, bin: data.bin },
      };
      this.#emit("handoff-tokenized", detail);
      return detail;
    } catch (error) {
      const e = error as { code?: WidgetErrorCode; details?: { status?: number } };
      if (e.code === "component_invalid") {
        this.state = "ready";
        this.#tone = "error";
        this.message = this.#t.cardIncomplete;
        this.renderRoot.querySelector<HTMLElement>(".message")?.focus();
        return undefined;
      }
      if (e.details?.status === 401) {
        this.#fail(
          { code: "invalid_public_key", message: "Checkout.com refused the public key.", retryable: false },
          this.#t.misconfigured,
        );
        return undefined;
      }
      this.#fail(
        { code: e.code ?? "tokenize_failed", message: "The card could not be tokenized.", retryable: true },
        this.#t.networkError,
        () => void this.submit(),
      );
      return undefined;
    }
  }

  async #confirmOnce(token: PaymentInitiatedDetail): Promise<Outcome> {
    if (!this.onPaymentInitiated)
      // 0 or not a number (a mistyped attribute) would time out at once: the default instead.
      return postConfirm(this.confirmUrl, token, this.#language, this.confirmTimeoutMs || CONFIRM_TIMEOUT_MS);
    try {
      return toOutcome(await this.onPaymentInitiated(token));
    } catch {
      return { kind: "error", code: "MERCHANT_CONFIRM_FAILED", retryable: true };
    }
  }

  async #confirmWith(first: PaymentInitiatedDetail): Promise<void> {
    let token = first;
    let outcome = await this.#confirmOnce(token);
    if (outcome.kind === "token") {
      // An expired or used token: get a fresh one once, silently, still busy, then ask the shopper.
      const fresh = await this.#tokenize();
      if (!fresh) return;
      token = fresh;
      outcome = await this.#confirmOnce(token);
    }
    // No answer in time: ask again with the same token (answered idempotently, never charged twice)
    // until the server knows, rather than guessing "failed" about a payment that may have gone through.
    for (let i = 0; i < RECHECKS && isUnanswered(outcome); i++) {
      this.message = this.#t.stillChecking;
      await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** i));
      outcome = await this.#confirmOnce(token);
    }
    this.#show(outcome, token);
  }

  #show(outcome: Outcome, token: PaymentInitiatedDetail): void {
    const t = this.#t;
    this.#retryAction = undefined;
    switch (outcome.kind) {
      case "approved":
        this.state = "success";
        this.#tone = "success";
        this.message = outcome.body.needsReview ? t.successReview : t.success;
        this.#emit("handoff-success", outcome.body);
        return;
      case "declined": {
        this.state = "declined";
        this.#tone = "error";
        this.message = outcome.body.message;
        this.#emit("handoff-decline", outcome.body);
        return;
      }
      case "requires_action": {
        this.state = "redirecting";
        this.#tone = "info";
        this.message = t.redirecting;
        // Top-level redirect by default (never inside our shadow root); cancel the event to do it yourself.
        if (this.#emit("handoff-requires-action", outcome.body, true))
          window.location.assign(outcome.body.redirectUrl);
        return;
      }
      case "token":
        this.state = "ready";
        this.#tone = "error";
        this.message = t.enterCardAgain;
        this.#emit("handoff-error", {
          code: outcome.code,
          message: "The card token could not be used.",
          retryable: true,
        });
        return;
      case "error": {
        if (this.#blockFor(outcome)) return;
        if (outcome.code === "CART_CHANGED") {
          // Show the cart's new total before anyone pays it.
          this.#reset();
          this.requestUpdate();
          return;
        }
        const text =
          outcome.code === "NETWORK_ERROR" || outcome.code === "TIMEOUT"
            ? t.networkError
            : outcome.code === "PROCESSOR_UNAVAILABLE"
              ? t.unavailable
              : outcome.code === "ATTEMPT_IN_PROGRESS"
                ? t.stillChecking
                : outcome.code === "RATE_LIMITED"
                  ? t.rateLimited
                  : t.genericError;
        // Retrying a confirm with the same token is safe: the server answers it idempotently.
        this.#fail(
          { code: outcome.code, message: outcome.message ?? text, retryable: outcome.retryable },
          text,
          () => void this.#whileBusy(() => this.#confirmWith(token)),
        );
      }
    }
  }

  /** Modal flow: opens the payment dialog. */
  open(): void {
    this.renderRoot.querySelector("dialog")?.showModal();
  }

  close(): void {
    this.renderRoot.querySelector("dialog")?.close();
  }

  /** Never "Pay" without the amount: a placeholder until the session says what will be charged. */
  #payLabel() {
    return this.#amountText
      ? fill(this.#t.pay, { amount: this.#amountText })
      : html`<span class="amount-skeleton" aria-hidden="true"></span><span class="visually-hidden">${this.#t.loading}</span>`;
  }

  #payButton() {
    const t = this.#t;
    const canPay = this.state === "ready" || this.state === "declined";
    const processing = this.state === "processing";
    const label = processing
      ? html`<span class="spinner" aria-hidden="true"></span>${t.processing}`
      : this.#payLabel();
    return html`<button class="pay" part="pay-button" type="button" ?disabled=${!canPay}
      aria-busy=${String(processing)} @click=${() => void this.submit()}>${label}</button>`;
  }

  #body() {
    const tone = this.#tone;
    return html`
      <div class="card">
        ${this.state === "loading" || this.state === "idle" ? html`<div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>` : nothing}
        <slot name="card"></slot>
      </div>
      <div role="status" aria-live="polite" aria-atomic="true">
        <p class="message" part="message" data-tone=${tone} tabindex="-1">${this.message}</p>
      </div>
      ${this.#retryAction ? html`<button class="secondary" part="retry-button" type="button" @click=${this.#retryAction}>${this.#t.retry}</button>` : nothing}
      ${this.#link ? html`<a class="link" part="link" href=${this.#link.href}>${this.#link.text}</a>` : nothing}
      ${this.checkoutFlow === "Inline" || this.state === "success" || this.state === "blocked" ? nothing : this.#payButton()}
    `;
  }

  override render() {
    if (this.checkoutFlow !== "Modal") return html`<div part="container">${this.#body()}</div>`;
    const t = this.#t;
    return html`
      <button class="pay" part="open-button" type="button" @click=${() => this.open()}>${this.#payLabel()}</button>
      <dialog part="dialog" aria-labelledby="handoff-dialog-title">
        <div class="dialog-head">
          <h2 id="handoff-dialog-title">${t.dialogTitle}</h2>
          <button class="secondary" type="button" @click=${() => this.close()}>${t.close}</button>
        </div>
        <div part="container">${this.#body()}</div>
      </dialog>
    `;
  }
}
