import type { CheckoutError, Component, OnTokenizedResult } from "@checkout.com/checkout-web-components";
import type { CheckoutBilling, CheckoutCustomer } from "@handoff/contracts";
import { html, LitElement, nothing, type PropertyValues } from "lit";
import { type Answer, fetchSession, postConfirm, RequestError, toAnswer } from "./api.js";
import { mountFlow, unmount, type Wallet } from "./flow.js";
import { Latest } from "./latest.js";
import { loadErrors } from "./parts/load-errors.js";
import { TokenizeError, tokenizeCard, walletToken } from "./pay.js";
import { en, fill, flowTranslationsFor, hasLanguage, isRtl, type Strings, stringsFor } from "./strings.js";
import { styles } from "./styles.js";
import { variablesFor } from "./theme.js";
import type {
  Appearance,
  CheckoutEvent,
  CheckoutFlow,
  CheckoutMode,
  HandoffOptions,
  PaymentInitiatedDetail,
  Session,
  SubmitResult,
  WidgetErrorCode,
} from "./types.js";
import { VERSION } from "./version.js";
import { answerView, detail, eventFor, type Retry, type View } from "./view.js";

type Guard = ReturnType<Latest["begin"]>;
type Errors = typeof import("./errors.js");

const MODE: CheckoutMode = "CheckoutDotComToken";
/** After this long without an answer, the widget asks again with the same token instead of guessing. */
const CONFIRM_TIMEOUT_MS = 20_000;

/**
 * Who pays is compared by value: React and Vue pass a fresh object on every render, and only a
 * real change (another email, another country) may open a new session.
 */
function differentDetails(next: unknown, previous: unknown): boolean {
  return JSON.stringify(next) !== JSON.stringify(previous);
}

/**
 * `<handoff-checkout>`: card and wallet payment in `CheckoutDotComToken` mode. The card fields and
 * wallet buttons are Checkout.com's iframes, mounted in this element's light DOM (slotted in) so
 * payment iframes and 3-D Secure never live inside our shadow root; the widget itself never sees
 * card data, only the token.
 *
 * @tag handoff-checkout
 * @fires handoff-ready - The card form is ready; detail `{amount, currency}`.
 * @fires handoff-tokenized - Checkout.com returned a token (card or wallet); detail `PaymentInitiatedDetail`.
 * @fires handoff-success - The payment was approved; detail `{status, orderId, paymentId, needsReview?}`.
 * @fires handoff-decline - The payment was declined; detail `{code, category, retryable, message}`.
 * @fires handoff-requires-action - 3-D Secure; cancelable: prevent it to do the redirect yourself.
 * @fires handoff-error - Anything else; detail `{code, message, retryable}`.
 * @csspart container - Everything inside the element (or the dialog).
 * @csspart wallets - Where the wallet buttons are, above the card form (only when one is available).
 * @csspart separator - "Or pay by card", between the wallets and the card form.
 * @csspart pay-button - The Pay button.
 * @csspart message - The status line (errors, declines, success).
 * @csspart retry-button - Try again, when trying again can help.
 * @csspart link - Where to go next (the paid order, the cart).
 * @csspart open-button - The Modal flow's button that opens the dialog.
 * @csspart dialog - The Modal flow's dialog.
 * @slot card - Where Checkout.com's card iframe is mounted (in the light DOM); the element fills it itself.
 * @slot wallets - Where Checkout.com's wallet buttons are mounted; the element fills it itself.
 * @cssprop --handoff-color-primary - Buttons, links and focus rings (`appearance.colorAction`).
 * @cssprop --handoff-color-on-primary - Text on the Pay button (`appearance.colorInverse`).
 * @cssprop --handoff-color-text - Text (`appearance.colorPrimary`).
 * @cssprop --handoff-color-secondary - Quieter text: the separator (`appearance.colorSecondary`).
 * @cssprop --handoff-color-background - The dialog's background (`appearance.colorBackground`).
 * @cssprop --handoff-color-border - The separator's rule (`appearance.colorBorder`).
 * @cssprop --handoff-color-disabled - Loading placeholders (`appearance.colorDisabled`).
 * @cssprop --handoff-color-danger - Errors and declines (`appearance.colorError`).
 * @cssprop --handoff-color-success - Success (`appearance.colorSuccess`).
 * @cssprop --handoff-radius - Corner radius (`appearance.borderRadius[0]`).
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
    customer: { attribute: false, hasChanged: differentDetails },
    billing: { attribute: false, hasChanged: differentDetails },
    strings: { attribute: false },
    onPaymentInitiated: { attribute: false },
    view: { state: true },
  };

  /** An attribute can still say anything: the checkout refuses any other mode with a clear error. */
  declare checkoutMode: CheckoutMode;
  declare checkoutFlow: CheckoutFlow;
  declare sessionUrl: string;
  declare confirmUrl: string;
  declare cartId: string;
  /** Where the shopper edits the cart (linked when something sold out). */
  declare cartUrl: string;
  declare confirmTimeoutMs: number;
  declare locale: string;
  declare appearance: Appearance | undefined;
  /** Who pays (email, name): sent with the session for Checkout.com's risk engine and Flow. */
  declare customer: CheckoutCustomer | undefined;
  /** The billing country (ISO 3166 alpha-2), sent with the session. */
  declare billing: CheckoutBilling | undefined;
  declare strings: Partial<Strings> | undefined;
  declare onPaymentInitiated: HandoffOptions["onPaymentInitiated"];
  /**
   * What the shopper sees; changed only by `#go`.
   * @internal
   */
  declare view: View;

  #session: Session | undefined;
  #card: Component | undefined;
  #wallets: Component[] = [];
  #hosts = new Map<string, HTMLElement>();
  #latest = new Latest();
  /** The payment under way: a second click or `submit()` gets the same one, never a second confirm. */
  #paying: Promise<SubmitResult> | undefined;
  #last: SubmitResult | undefined;
  #teardown: ReturnType<typeof setTimeout> | undefined;
  #styled: string[] = [];
  /** Set when an answer says the cart changed: the session reloads once the payment settles. */
  #restart = false;

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
    this.view = { kind: "idle" };
  }

  /**
   * The language the checkout speaks: `locale` as set, else the browser's if its pack is on the
   * page, else English. Our texts, the amounts (the server formats them in it) and Flow's labels
   * all follow it: a German browser on a page without the German pack is served English throughout.
   */
  get #language(): string {
    if (this.locale) return this.locale;
    const browser = globalThis.navigator?.language;
    return browser && hasLanguage(browser) ? browser : "en";
  }

  get #t(): Strings {
    return stringsFor(this.#language, this.strings);
  }

  /** The one way the view changes; the transition's event goes out here. */
  #go(to: View): void {
    const from = this.view;
    this.view = to;
    const session = this.#session;
    const ready: CheckoutEvent | undefined = session && {
      type: "handoff-ready",
      detail: { amount: session.amount, currency: session.currency },
    };
    const event = eventFor(from, to, ready);
    if (!event) return;
    if (event.type !== "handoff-ready" && event.type !== "handoff-tokenized") this.#last = event;
    const allowed = this.#emit(event, event.type === "handoff-requires-action");
    // Top-level redirect by default (never inside our shadow root); cancel the event to do it yourself.
    if (to.kind === "redirecting" && allowed) window.location.assign(to.body.redirectUrl);
  }

  #emit(event: CheckoutEvent, cancelable = false): boolean {
    return this.dispatchEvent(
      new CustomEvent(event.type, { detail: event.detail, bubbles: true, composed: true, cancelable }),
    );
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-connected within the same turn (React StrictMode, a DOM move): keep everything as it is.
    if (this.#teardown) clearTimeout(this.#teardown);
    this.#teardown = undefined;
    for (const host of this.#hosts.values()) if (!host.isConnected) this.append(host);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#teardown = setTimeout(() => this.#reset(), 0);
  }

  /**
   * The light-DOM node a Checkout.com iframe mounts in, made when it is needed: a server-rendered
   * page hydrates `<handoff-checkout>` with no children, and one added earlier would not match.
   */
  #hostFor = (name: "card" | Wallet): HTMLElement => {
    let host = this.#hosts.get(name);
    if (!host) {
      host = document.createElement("div");
      host.slot = name === "card" ? "card" : "wallets";
      // `data-handoff-card`, `data-handoff-wallet="applepay"`: stable hooks for the merchant's CSS and tests.
      if (name === "card") host.dataset.handoffCard = "";
      else host.dataset.handoffWallet = name;
      this.#hosts.set(name, host);
    }
    if (!host.isConnected) this.append(host);
    return host;
  };

  #unmountAll(): void {
    for (const component of [this.#card, ...this.#wallets]) unmount(component);
    for (const host of this.#hosts.values()) host.remove();
    this.#hosts.clear();
    this.#card = undefined;
    this.#wallets = [];
  }

  /** Unmounts the card and wallets and forgets the session; a later update starts afresh. */
  #reset(): void {
    this.#teardown = undefined;
    this.#latest.cancel();
    this.#unmountAll();
    this.#session = undefined;
    this.#paying = undefined;
    this.view = { kind: "idle" };
  }

  protected override updated(changed: PropertyValues): void {
    // A new cart (a React prop, a single-page cart edit) is a new amount: never keep showing the old one.
    const newSession = ["cartId", "customer", "billing"].some((k) => changed.has(k) && changed.get(k));
    if (newSession && !this.#paying && this.view.kind !== "redirecting") this.#reset();
    if (changed.has("appearance")) this.#theme();
    // The shopper cannot change the card or start a wallet while a payment is on its way or done.
    for (const host of this.#hosts.values()) host.inert = !this.#open;
    if (this.view.kind === "idle" && this.isConnected && this.sessionUrl && this.cartId) {
      // After this update, not inside it: start() changes the view, which schedules the next one.
      queueMicrotask(() => void this.#start());
      this.view = { kind: "loading" };
    }
    const focus = changed.has("view") && changed.get("view") !== undefined;
    if (focus && (["declined", "failed", "approved", "blocked"].includes(this.view.kind) || this.#notice)) {
      // Move focus to the message so keyboard and screen-reader users hear what happened.
      this.renderRoot.querySelector<HTMLElement>(".message")?.focus();
    }
  }

  get #notice(): boolean {
    return this.view.kind === "ready" && this.view.notice?.key !== undefined;
  }

  /** The appearance's tokens as our CSS variables, on the element (CSSOM: allowed under a strict CSP). */
  #theme(): void {
    for (const name of this.#styled) this.style.removeProperty(name);
    const variables = variablesFor(this.appearance);
    for (const [name, value] of variables) this.style.setProperty(name, value);
    this.#styled = variables.map(([name]) => name);
  }

  async #start(): Promise<void> {
    const guard = this.#latest.begin();
    if (this.checkoutMode !== MODE) {
      await this.#fail((errors) => errors.unsupportedMode(this.checkoutMode, MODE), guard);
      return;
    }
    try {
      const request = { cartId: this.cartId, customer: this.customer, billing: this.billing };
      const session = await guard(fetchSession(this.sessionUrl, request, this.#language));
      this.#session = session;
      const order = { cartId: this.cartId, amount: session.amount, currency: session.currency };
      const locale = this.#language;
      // Resolves when the card fields are ready to type in.
      await guard(
        new Promise<void>((resolve, reject) => {
          mountFlow(
            session,
            {
              locale,
              translations: flowTranslationsFor(locale),
              appearance: this.appearance,
              onReady: resolve,
              onError: (error) => this.#flowError(error),
              onWalletToken: (result) => void this.#payWithWallet(result, order),
            },
            this.#hostFor,
          ).then((mounted) => {
            this.#card = mounted.card;
            this.#wallets = mounted.wallets;
          }, reject);
        }),
      );
      // Sent back by a failed 3-D Secure: say why above the fresh card form.
      const notice = session.notice;
      this.#go({ kind: "ready", ...(notice ? { notice: { text: notice.message } } : {}) });
    } catch (error) {
      if (error instanceof RequestError)
        await this.#fail((e) => e.sessionView(error.answer, this.cartUrl), guard);
      else this.#go(this.#unreachable((error as { code?: "script_failed" }).code));
    }
  }

  /** The error screens and their English texts, loaded the first time one is needed. */
  async #errors(): Promise<Errors> {
    const errors = await loadErrors();
    Object.assign(en, errors.rare);
    return errors;
  }

  /** The screen when the payment service, or even the error screens, cannot be reached. */
  #unreachable(code: WidgetErrorCode = "script_failed", retry: Retry = { kind: "session" }): View {
    return { kind: "failed", error: detail(code, "networkError", true), key: "networkError", retry };
  }

  /**
   * Shows an error screen (`make` may read the error screens' part and their texts). Resolves to
   * false when `make` had none to show (a changed cart reloads instead).
   */
  async #fail(
    make: (errors: Errors) => View | undefined,
    guard: Guard = (p) => p,
    unreachable = this.#unreachable(),
  ): Promise<boolean> {
    let view: View | undefined;
    try {
      view = make(await guard(this.#errors()));
    } catch {
      view = unreachable;
    }
    if (view) this.#go(view);
    return view !== undefined;
  }

  #flowError(error: CheckoutError): void {
    const detail = { code: error.code, message: error.message, retryable: true };
    if (this.#paying || !this.#open) this.#emit({ type: "handoff-error", detail });
    else void this.#fail(() => ({ kind: "ready", notice: { key: "genericError", error: detail } }));
  }

  /** The views in which the shopper may (again) pay. */
  get #open(): boolean {
    return ["ready", "declined", "failed"].includes(this.view.kind);
  }

  /**
   * Pays with the card form: tokenizes it and confirms. The Pay button calls it; in the Inline flow,
   * your own button does. Resolves to how the payment ended (the event the element emitted for it).
   */
  submit(): Promise<SubmitResult> {
    if (this.#paying) return this.#paying;
    const card = this.#card;
    const session = this.#session;
    if (!card || !session || !this.#open) {
      return Promise.resolve({ type: "handoff-error", detail: detail("not_ready", "loading", true) });
    }
    const order = { cartId: this.cartId, amount: session.amount, currency: session.currency };
    const tokenize = () => this.#tokenized(tokenizeCard(card, order));
    return this.#whilePaying("card", async (guard) => {
      const token = await guard(tokenize());
      if (token) await this.#confirm(token, guard, tokenize);
    });
  }

  #payWithWallet(result: OnTokenizedResult, order: { cartId: string; amount: number; currency: string }) {
    const token = walletToken(result, order);
    if (!token || this.#paying || !this.#open) return;
    void this.#whilePaying(token.method, (guard) => {
      this.#emit({ type: "handoff-tokenized", detail: token });
      return this.#confirm(token, guard);
    });
  }

  /**
   * One payment at a time, held through re-tokenization and rechecks: a double click sends one
   * confirm. Every answer the work waits for passes its guard: after a reset (a new cart, a
   * disconnection) none of them reaches the view.
   */
  #whilePaying(
    method: PaymentInitiatedDetail["method"],
    work: (guard: Guard) => Promise<void>,
  ): Promise<SubmitResult> {
    this.#last = undefined;
    this.#go({ kind: "paying", method, checking: false });
    const guard = this.#latest.begin();
    this.#paying = work(guard).then(
      () => this.#settled(),
      () =>
        this.#fail(() => ({
          kind: "failed",
          error: detail("INVALID_ANSWER", "genericError", true),
          key: "genericError",
          retry: { kind: "session" },
        })).then(() => this.#settled()),
    );
    return this.#paying;
  }

  #settled(): SubmitResult {
    this.#paying = undefined;
    const result = this.#last ?? { type: "handoff-error", detail: detail("not_ready", "loading", true) };
    // Done: the card and wallets go, so nothing can be typed into a paid checkout.
    if (this.view.kind === "approved") this.#unmountAll();
    if (this.#restart) {
      // The cart changed: show its new total before anyone pays it.
      this.#restart = false;
      this.#reset();
      this.requestUpdate();
    }
    return result;
  }

  async #tokenized(tokenizing: Promise<PaymentInitiatedDetail>): Promise<PaymentInitiatedDetail | undefined> {
    try {
      const token = await tokenizing;
      this.#emit({ type: "handoff-tokenized", detail: token });
      return token;
    } catch (error) {
      const e = error instanceof TokenizeError ? error : new TokenizeError("tokenize_failed", "failed");
      // Built in, not an error screen: Flow focuses the field to fix as this shows, and keeps it.
      if (e.reason === "incomplete")
        this.#go({
          kind: "ready",
          notice: { key: "cardIncomplete", error: detail(e.code, "cardIncomplete", true) },
        });
      else if (e.reason === "refused")
        await this.#fail(() => ({
          kind: "failed",
          error: detail(e.code, "misconfigured", false),
          key: "misconfigured",
        }));
      else this.#go(this.#unreachable(e.code, { kind: "tokenize" }));
      return undefined;
    }
  }

  async #confirm(
    first: PaymentInitiatedDetail,
    guard: Guard,
    retokenize?: () => Promise<PaymentInitiatedDetail | undefined>,
  ): Promise<void> {
    const answer = await guard(this.#confirmOnce(first));
    const settled = answerView(answer);
    if (settled) return this.#go(settled);
    // Anything else is trouble: a card token to replace, an answer to wait for, an error screen.
    let errors: Errors;
    try {
      errors = await guard(this.#errors());
    } catch {
      // The same token can be confirmed again safely: the server answers it idempotently.
      return this.#go(this.#unreachable(undefined, { kind: "confirm", token: first }));
    }
    const result = await guard(
      errors.pay(
        first,
        {
          confirm: (token) => this.#confirmOnce(token),
          retokenize,
          checking: () => this.#go({ kind: "paying", method: first.method, checking: true }),
          wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        },
        answer,
      ),
    );
    if (!result) return;
    const view = errors.outcomeView(result.outcome, result.token, this.cartUrl);
    if (view) this.#go(view);
    else {
      this.#last = { type: "handoff-error", detail: detail("CART_CHANGED", "cartChanged", true) };
      this.#emit(this.#last);
      this.#restart = true;
    }
  }

  async #confirmOnce(token: PaymentInitiatedDetail): Promise<Answer> {
    if (!this.onPaymentInitiated)
      // 0 or not a number (a mistyped attribute) would time out at once: the default instead.
      return postConfirm(this.confirmUrl, token, this.#language, this.confirmTimeoutMs || CONFIRM_TIMEOUT_MS);
    try {
      return toAnswer(await this.onPaymentInitiated(token));
    } catch {
      return { kind: "other", failed: "MERCHANT_CONFIRM_FAILED" };
    }
  }

  #retry(retry: Retry): void {
    if (retry.kind === "session") {
      this.#reset();
      this.requestUpdate();
    } else if (retry.kind === "tokenize") void this.submit();
    else void this.#whilePaying(retry.token.method, (guard) => this.#confirm(retry.token, guard));
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
    // Formatted by the server in the language this element asked in: what is shown is what is charged.
    const amount = this.#session?.amountText;
    return amount
      ? fill(this.#t.pay, { amount })
      : html`<span class="amount-skeleton" aria-hidden="true"></span><span class="visually-hidden">${this.#t.loading}</span>`;
  }

  /** What each view shows: its message and tone, the action it offers, whether Pay is there. */
  #screen() {
    const t = this.#t;
    const view = this.view;
    switch (view.kind) {
      case "idle":
      case "loading":
        return { text: t.loading, tone: "info", pay: "wait" } as const;
      case "ready": {
        const notice = view.notice;
        const text = notice?.key ? t[notice.key] : (notice?.text ?? "");
        return { text, tone: notice ? "error" : "info", pay: "open" } as const;
      }
      case "paying":
        return { text: view.checking ? t.stillChecking : t.processing, tone: "info", pay: "busy" } as const;
      case "approved":
        return {
          text: view.body.needsReview ? t.successReview : t.success,
          tone: "success",
          pay: "none",
        } as const;
      case "declined":
        return { text: view.body.message, tone: "error", pay: "open" } as const;
      case "redirecting":
        return { text: t.redirecting, tone: "info", pay: "wait" } as const;
      case "failed": {
        const retry = view.retry;
        const action = retry
          ? html`<button class="secondary" part="retry-button" type="button" @click=${() => this.#retry(retry)}>${t.retry}</button>`
          : nothing;
        return { text: t[view.key], tone: "error", pay: "wait", action } as const;
      }
      case "blocked": {
        const link = view.link;
        const action = link
          ? html`<a class="link" part="link" href=${link.href}>${t[link.key]}</a>`
          : nothing;
        return {
          text: fill(t[view.key], { items: view.items ?? "" }),
          tone: "error",
          pay: "none",
          action,
        } as const;
      }
    }
  }

  #body() {
    const t = this.#t;
    const screen = this.#screen();
    const loading = this.view.kind === "idle" || this.view.kind === "loading";
    const done = screen.pay === "none";
    const canPay = screen.pay === "open";
    const busy = screen.pay === "busy";
    const label = busy
      ? html`<span class="spinner" aria-hidden="true"></span>${t.processing}`
      : this.#payLabel();
    const wallets = this.#wallets.length > 0 && !done;
    return html`
      <div part="wallets" class="wallets" ?hidden=${!wallets}><slot name="wallets"></slot></div>
      ${wallets ? html`<p part="separator" class="separator">${t.orCard}</p>` : nothing}
      <div class="card" ?hidden=${done}>
        ${loading ? html`<div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>` : nothing}
        <slot name="card"></slot>
      </div>
      <div role="status" aria-live="polite" aria-atomic="true">
        <p class="message" part="message" data-tone=${screen.tone} tabindex="-1">${screen.text}</p>
      </div>
      ${"action" in screen ? screen.action : nothing}
      ${
        this.checkoutFlow === "Inline" || done
          ? nothing
          : html`<button class="pay" part="pay-button" type="button" ?disabled=${!canPay}
            aria-busy=${String(busy)} @click=${() => void this.submit()}>${label}</button>`
      }
    `;
  }

  override render() {
    const lang = this.#language;
    const dir = isRtl(lang) ? "rtl" : "ltr";
    if (this.checkoutFlow !== "Modal")
      return html`<div part="container" lang=${lang} dir=${dir}>${this.#body()}</div>`;
    const t = this.#t;
    return html`
      <button class="pay" part="open-button" type="button" @click=${() => this.open()}>${this.#payLabel()}</button>
      <dialog part="dialog" aria-labelledby="handoff-dialog-title" lang=${lang} dir=${dir}>
        <div class="dialog-head">
          <h2 id="handoff-dialog-title">${t.dialogTitle}</h2>
          <button class="secondary" type="button" @click=${() => this.close()}>${t.close}</button>
        </div>
        <div part="container">${this.#body()}</div>
      </dialog>
    `;
  }
}
