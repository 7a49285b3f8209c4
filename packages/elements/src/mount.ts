import { defineHandoffCheckout } from "./define.js";
import { HandoffCheckout } from "./handoff-checkout.js";
import type { HandoffEventMap, HandoffOptions, SubmitResult } from "./types.js";
import { TAG } from "./version.js";

/** The same shape as the React wrapper's callbacks and `addEventListener`: the event, its detail inside. */
type Callback<K extends keyof HandoffEventMap> = (event: CustomEvent<HandoffEventMap[K]>) => void;

export interface MountOptions extends HandoffOptions {
  onReady?: Callback<"handoff-ready">;
  onTokenized?: Callback<"handoff-tokenized">;
  onSuccess?: Callback<"handoff-success">;
  onDecline?: Callback<"handoff-decline">;
  /** Call `event.preventDefault()` to handle the 3-D Secure redirect yourself. */
  onRequiresAction?: Callback<"handoff-requires-action">;
  onError?: Callback<"handoff-error">;
}

export interface MountedCheckout {
  element: HandoffCheckout;
  /** Pays (for the Inline flow, where your own button starts the payment); resolves to how it ended. */
  submit(): Promise<SubmitResult>;
  unmount(): void;
}

const CALLBACKS = {
  onReady: "handoff-ready",
  onTokenized: "handoff-tokenized",
  onSuccess: "handoff-success",
  onDecline: "handoff-decline",
  onRequiresAction: "handoff-requires-action",
  onError: "handoff-error",
} as const;

const mounted = new WeakMap<Element, MountedCheckout>();

/**
 * Puts a checkout into `target`. Mounting again into the same target replaces the first one, and
 * every listener is removed on unmount (no leaked handlers, no double submissions).
 *
 * @example
 * Handoff.mount("#checkout", { sessionUrl: "/api/checkout/session", confirmUrl: "/api/checkout/confirm",
 *   cartId, onSuccess: (e) => location.assign(`/orders/${e.detail.orderId}`) });
 */
export function mount(target: string | Element, options: MountOptions): MountedCheckout {
  const host = typeof target === "string" ? document.querySelector(target) : target;
  if (!host) throw new Error(`Handoff.mount: no element matches ${String(target)}`);
  mounted.get(host)?.unmount();
  defineHandoffCheckout();

  const element = document.createElement(TAG) as HandoffCheckout;
  // The options the element declares as its properties (not the callbacks, not its inner state),
  // and only those given: the element's own defaults stand for the rest.
  const declared = HandoffCheckout.properties as Record<string, { state?: boolean }>;
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && declared[key] && !declared[key].state)
      (element as unknown as Record<string, unknown>)[key] = value;
  }

  const controller = new AbortController();
  for (const [name, event] of Object.entries(CALLBACKS) as Array<
    [keyof typeof CALLBACKS, keyof HandoffEventMap]
  >) {
    const callback = options[name] as ((event: Event) => void) | undefined;
    if (callback) element.addEventListener(event, callback, { signal: controller.signal });
  }
  host.append(element);
  const handle: MountedCheckout = {
    element,
    submit: () => element.submit(),
    unmount: () => {
      controller.abort();
      element.remove();
      if (mounted.get(host) === handle) mounted.delete(host);
    },
  };
  mounted.set(host, handle);
  return handle;
}
