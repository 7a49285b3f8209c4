import type {
  CheckoutError,
  CheckoutWebComponents,
  Component,
  ComponentNameUnion,
  Options,
  TokenizeResult,
  WindowCheckoutWebComponents,
} from "@checkout.com/checkout-web-components";

export interface EmulationConfig {
  /** The sandbox origin, which serves the card iframe and answers /tokens. */
  origin: string;
}

/**
 * Emulates Checkout.com's CDN script: defines `window.CheckoutWebComponents(options)`, the seam the
 * official loader calls when it is already present. Typed against the official `.d.ts`, so the
 * emulation cannot drift from the real contract.
 *
 * This function is serialised with `toString()` and sent to browsers: it must not refer to
 * anything outside its own body.
 */
export function installCheckoutWebComponents(
  win: Window & { CheckoutWebComponents?: WindowCheckoutWebComponents },
  config: EmulationConfig,
): void {
  const CHANNEL = "handoff-sandbox-card";
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
    function create(name: ComponentNameUnion, componentOptions: Record<string, unknown> = {}): Component {
      if (name !== "card" && name !== "flow") {
        throw fail(
          "Integration",
          "component_not_supported",
          `The sandbox emulates "card" and "flow", not "${name}"`,
        );
      }
      const callbacks = { ...options, ...componentOptions } as Options;
      let iframe: HTMLIFrameElement | undefined;
      let valid = false;
      let availabilityChecked = name === "flow";
      let sequence = 0;
      const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();

      const onMessage = (event: MessageEvent) => {
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
        } else if (message.type === "tokenized" || message.type === "tokenize_failed") {
          const waiter = pending.get(message.id ?? -1);
          pending.delete(message.id ?? -1);
          if (message.type === "tokenized") waiter?.resolve(message.data);
          else {
            const status = message.status as number;
            waiter?.reject(
              fail("Request", "tokenize_request_failed", `Card tokenization failed with HTTP ${status}`, {
                status,
                requestErrorCodes: message.errorCodes ?? [],
                requestId: message.requestId,
              }),
            );
          }
        }
      };

      const tokenize = async (): Promise<TokenizeResult> => {
        if (!iframe?.contentWindow)
          throw fail("Integration", "component_not_mounted", "Mount the component first");
        if (!valid) throw fail("Submit", "component_invalid", "The card details are incomplete or invalid");
        const id = ++sequence;
        const data = (await new Promise<unknown>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          iframe?.contentWindow?.postMessage({ channel: CHANNEL, type: "tokenize", id }, config.origin);
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
        selectedType: "card",
        selectedPaymentMethodId: undefined,
        name: "Card",
        isAvailable: async () => {
          availabilityChecked = true;
          return true;
        },
        isValid: () => valid,
        isPayButtonRequired: () => true,
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
          const frameConfig = {
            publicKey: options.publicKey,
            parentOrigin: win.location.origin,
            locale: options.locale ?? "en-GB",
            appearance: options.appearance ?? {},
            // As the real Flow does: its own Pay button unless the integration turns it off.
            showPayButton: componentOptions.showPayButton !== false,
            paymentSessionId: (options.paymentSession as { id?: string } | undefined)?.id,
          };
          iframe = win.document.createElement("iframe");
          iframe.src = `${config.origin}/checkout-web-components/card-frame.html#${encodeURIComponent(JSON.stringify(frameConfig))}`;
          iframe.title = "Secure card payment input";
          iframe.name = "cko-card-frame";
          iframe.setAttribute("allow", "payment");
          // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy.
          iframe.style.width = "100%";
          iframe.style.height = "190px";
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

/** The script served at `/checkout-web-components/index.js`. */
/**
 * Wraps a self-contained function for the browser. Transpilers that keep function names (esbuild's
 * keepNames, as tsx runs it) insert `__name(fn, "name")` calls into the function's source; the
 * browser has no such helper, so the wrapper defines one that returns its argument.
 */
export function browserScript(fn: (...args: never[]) => void, args: string): string {
  return `(function () {\n  var __name = function (target) { return target; };\n  (${fn.toString()})(${args});\n})();\n`;
}

export function componentsScript(config: EmulationConfig): string {
  return `/* @handoff/sandbox: offline emulation of Checkout Web Components */\n${browserScript(installCheckoutWebComponents, `window, ${JSON.stringify(config)}`)}`;
}
