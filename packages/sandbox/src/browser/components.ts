import type {
  CheckoutError,
  CheckoutWebComponents,
  Component,
  ComponentNameUnion,
  Options,
  TokenizeResult,
  WindowCheckoutWebComponents,
} from "@checkout.com/checkout-web-components";
import { CHANNEL, type FrameConfig } from "./channel.js";

export interface EmulationConfig {
  /** The sandbox origin, which serves the card iframe and answers /tokens. */
  origin: string;
}

/**
 * Emulates Checkout.com's CDN script: defines `window.CheckoutWebComponents(options)`, which
 * Handoff's widget (and the official loader, when it is already present) calls. Typed against the official `.d.ts`, so the
 * emulation cannot drift from the real contract.
 *
 * Runs in the browser: bundled into `/checkout-web-components/index.js` (entries/components.ts).
 */
export function installCheckoutWebComponents(
  win: Window & { CheckoutWebComponents?: WindowCheckoutWebComponents },
  config: EmulationConfig,
): void {
  const fail = (
    type: string,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
  ): CheckoutError => ({ name: "CheckoutError", type, code, message, details }) as unknown as CheckoutError;

  const factory: WindowCheckoutWebComponents = (options: Options): CheckoutWebComponents => {
    if (!options || typeof options.publicKey !== "string" || !/^pk_/.test(options.publicKey)) {
      throw fail(
        "Integration",
        "public_key_invalid",
        "CheckoutWebComponents needs a publicKey starting with pk_",
      );
    }
    // What Flow reads from the payment session: which payment methods this session offers.
    const offered = (() => {
      const token = (options.paymentSession as { payment_session_token?: string } | undefined)
        ?.payment_session_token;
      try {
        const summary = JSON.parse(win.atob(String(token).split(":")[1] ?? "")) as {
          payment_methods?: Array<{ type: string }>;
        };
        return (summary.payment_methods ?? []).map((m) => m.type);
      } catch {
        return ["card"];
      }
    })();
    const language = (locale: string) => locale.toLowerCase().split("-")[0] ?? "";

    function create(name: ComponentNameUnion, componentOptions: Record<string, unknown> = {}): Component {
      const wallet = name === "applepay" || name === "googlepay";
      if (name !== "card" && name !== "flow" && !wallet) {
        throw fail(
          "Integration",
          "component_not_supported",
          `The sandbox emulates "card", "flow", "applepay" and "googlepay", not "${name}"`,
        );
      }
      const callbacks = { ...options, ...componentOptions } as Options;
      const mode = wallet ? ((componentOptions.mode as string | undefined) ?? "pay") : undefined;
      if (mode === "tokenize" && typeof callbacks.onTokenized !== "function") {
        throw fail(
          "Integration",
          "on_tokenized_callback_required",
          "A wallet in tokenize mode needs an onTokenized callback",
        );
      }
      let iframe: HTMLIFrameElement | undefined;
      let valid = false;
      let availabilityChecked = name === "flow";
      let sequence = 0;
      const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
      const send = (message: Record<string, unknown>) =>
        iframe?.contentWindow?.postMessage({ channel: CHANNEL, ...message }, config.origin);
      const tokenizeFailed = (message: Record<string, unknown>) => {
        const status = message.status as number;
        return fail("Request", "tokenize_request_failed", `Tokenization failed with HTTP ${status}`, {
          status,
          requestErrorCodes: message.errorCodes ?? [],
          requestId: message.requestId,
        });
      };

      const onMessage = async (event: MessageEvent) => {
        // Only our own iframe, from the sandbox origin, may talk to us.
        if (!iframe || event.origin !== config.origin || event.source !== iframe.contentWindow) return;
        const message = event.data as { channel?: string; type?: string; id?: number; [k: string]: unknown };
        if (!message || message.channel !== CHANNEL) return;
        if (message.type === "ready") callbacks.onReady?.(component);
        else if (message.type === "resize" && typeof message.height === "number" && iframe) {
          iframe.style.height = `${message.height}px`;
        } else if (message.type === "payment_completed") {
          const data = message.data as { id: string; status: string; type: string };
          if (data?.status === "Approved") callbacks.onPaymentCompleted?.(component, data as never);
          else
            callbacks.onError?.(
              component,
              fail("Request", "payment_request_declined", "The payment was declined"),
            );
        } else if (message.type === "change") {
          valid = message.valid === true;
          callbacks.onChange?.(component);
        } else if (message.type === "wallet_tokenized") {
          // The wallet authorized and /tokens exchanged its token: onTokenized decides what follows.
          const result = { type: name, data: message.data };
          let answer: { continue?: boolean } | undefined;
          try {
            answer = (await callbacks.onTokenized?.(component, result as never)) ?? undefined;
          } catch {
            callbacks.onError?.(
              component,
              fail("Integration", "callback_invocation_failed", "onTokenized threw"),
            );
            answer = { continue: false };
          }
          // In pay mode Flow now pays by itself through the session; in tokenize mode it never does.
          send({ type: "wallet_continue", pay: mode === "pay" && answer?.continue !== false });
        } else if (message.type === "wallet_failed") {
          callbacks.onError?.(component, tokenizeFailed(message));
        } else if (message.type === "tokenized" || message.type === "tokenize_failed") {
          const waiter = pending.get(message.id ?? -1);
          pending.delete(message.id ?? -1);
          if (message.type === "tokenized") waiter?.resolve(message.data);
          else waiter?.reject(tokenizeFailed(message));
        }
      };

      const tokenize = async (): Promise<TokenizeResult> => {
        if (wallet)
          throw fail("Integration", "method_not_supported", "Wallets have no tokenize(); use onTokenized");
        if (!iframe?.contentWindow)
          throw fail("Integration", "component_not_mounted", "Mount the component first");
        if (!valid) {
          // As Flow does: the fields that are missing or wrong are marked.
          send({ type: "show_errors" });
          throw fail("Submit", "component_invalid", "The card details are incomplete or invalid");
        }
        const id = ++sequence;
        const data = (await new Promise<unknown>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          send({ type: "tokenize", id });
        })) as { bin: string; scheme?: string; card_type?: string; token: string; type: "card" };
        // Flow's risk module fingerprints the browser; its id travels with the token.
        const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        const random = win.crypto.getRandomValues(new Uint8Array(26));
        const deviceSessionId = `dsid_${Array.from(random, (b) => alphabet[b % 32]).join("")}`;
        const result = {
          type: "card",
          data,
          risk: { device_session_id: deviceSessionId },
          cardMetadata: {
            bin: data.bin,
            scheme: (data.scheme ?? "").toLowerCase(),
            card_type: (data.card_type ?? "").toLowerCase(),
            local_schemes: [],
          },
        } as unknown as TokenizeResult;
        await callbacks.onTokenized?.(component, result as never);
        return result;
      };

      const component: Component = {
        type: name,
        selectedType: wallet ? name : "card",
        selectedPaymentMethodId: undefined,
        name: name === "applepay" ? "Apple Pay" : name === "googlepay" ? "Google Pay" : "Card",
        // A wallet is available where the session offers it (the sandbox is a device with both wallets).
        isAvailable: async () => {
          availabilityChecked = true;
          return offered.includes(name === "flow" ? "card" : name);
        },
        isValid: () => (wallet ? true : valid),
        isPayButtonRequired: () => !wallet,
        unselect: () => undefined,
        mount(target: string | Element) {
          if (iframe)
            throw fail("Integration", "component_already_mounted", "This component is already mounted");
          if (!availabilityChecked) {
            throw fail(
              "Integration",
              "component_is_available_not_checked",
              "Call isAvailable() before mount()",
            );
          }
          const element = typeof target === "string" ? win.document.querySelector(target) : target;
          if (!element)
            throw fail("Integration", "element_not_found", `No element matches ${String(target)}`);
          const locale = options.locale ?? "en-GB";
          const translations = options.translations ?? {};
          const session = options.paymentSession as
            | { id?: string; amount?: number; currency?: string }
            | undefined;
          const frameConfig: FrameConfig = {
            component: wallet ? name : "card",
            mode,
            publicKey: options.publicKey,
            parentOrigin: win.location.origin,
            locale,
            labels: translations[locale] ?? translations[language(locale)] ?? {},
            appearance: options.appearance ?? {},
            // As the real Flow does: its own Pay button unless the integration turns it off.
            showPayButton: componentOptions.showPayButton !== false,
            paymentSessionId: session?.id,
          };
          iframe = win.document.createElement("iframe");
          iframe.src = `${config.origin}/checkout-web-components/card-frame.html#${encodeURIComponent(JSON.stringify(frameConfig))}`;
          iframe.title = wallet ? `${component.name}` : "Secure card payment input";
          iframe.name = wallet ? `cko-${name}-frame` : "cko-card-frame";
          iframe.setAttribute("allow", "payment");
          // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy.
          iframe.style.width = "100%";
          iframe.style.height = wallet ? "48px" : "190px";
          iframe.style.border = "0";
          iframe.style.display = "block";
          win.addEventListener("message", onMessage);
          element.appendChild(iframe);
          return component;
        },
        unmount() {
          win.removeEventListener("message", onMessage);
          iframe?.remove();
          iframe = undefined;
          valid = false;
          for (const waiter of pending.values())
            waiter.reject(fail("Integration", "component_unmounted", "Unmounted"));
          pending.clear();
          return component;
        },
        tokenize,
        submit() {
          callbacks.onSubmit?.(component);
          tokenize().catch((error: unknown) => callbacks.onError?.(component, error as CheckoutError));
        },
      };
      return component;
    }

    return {
      create: create as CheckoutWebComponents["create"],
      // The card iframe shows no amount, so a valid update has nothing to redraw.
      async update(details) {
        const keys = Object.keys(details ?? {});
        const badAmount =
          details?.amount !== undefined && (!Number.isInteger(details.amount) || details.amount < 0);
        const badCurrency = details?.currency !== undefined && !/^[A-Z]{3}$/.test(details.currency);
        if (badAmount || badCurrency || keys.some((k) => k !== "amount" && k !== "currency")) {
          throw fail(
            "Validation",
            "update_parameters_invalid",
            "update() takes an integer amount and an ISO currency",
          );
        }
      },
    };
  };
  win.CheckoutWebComponents = factory;
}
