import {
  CDN_URL,
  type CheckoutError,
  type CheckoutWebComponents,
  type Component,
  type OnTokenizedResponse,
  type OnTokenizedResult,
  type Options,
  type WindowCheckoutWebComponents,
} from "@checkout.com/checkout-web-components";
import { loadScript } from "./script.js";
import type { Appearance, Session } from "./types.js";

/**
 * Flow's script: Checkout.com's CDN, or in local mode the sandbox's emulation of it, which the
 * session names. Either defines `window.CheckoutWebComponents(options)`. The official package's
 * `loadCheckoutWebComponents` does only this (add the script, wait, call it), so its 2 KB are not
 * shipped twice: the script loader that brings language packs and error screens brings Flow too.
 */
const loadFlow = (src: string) =>
  loadScript(
    src,
    () => (window as { CheckoutWebComponents?: WindowCheckoutWebComponents }).CheckoutWebComponents,
  );

export const WALLETS = ["applepay", "googlepay"] as const;
export type Wallet = (typeof WALLETS)[number];

export interface FlowSetup {
  locale: string;
  translations: Options["translations"];
  appearance: Appearance | undefined;
  /** The card fields are ready to type in. */
  onReady(): void;
  onError(error: CheckoutError): void;
  /** A wallet handed over its token (Flow in token mode): the widget confirms it itself. */
  onWalletToken(result: OnTokenizedResult): void;
}

export interface Mounted {
  card: Component;
  wallets: Component[];
}

/**
 * Loads Flow in the shopper's language and theme, and mounts the card (without Flow's own Pay
 * button) and each wallet that is available here (Apple Pay, Google Pay) in `tokenize` mode, so
 * Flow never pays by itself: every token goes to the merchant's confirm.
 */
export async function mountFlow(
  session: Session,
  setup: FlowSetup,
  hostFor: (name: "card" | Wallet) => HTMLElement,
): Promise<Mounted> {
  const create = await loadFlow(session.componentsScriptUrl ?? CDN_URL);
  const checkout: CheckoutWebComponents = await create({
    publicKey: session.publicKey,
    paymentSession: session.paymentSession,
    environment: session.environment === "production" ? "production" : "sandbox",
    locale: setup.locale,
    ...(setup.translations ? { translations: setup.translations } : {}),
    ...(setup.appearance ? { appearance: setup.appearance } : {}),
    onReady: (component) => {
      if (component.type === "card") setup.onReady();
    },
    onError: (_component, error) => setup.onError(error),
  } as Options);

  const wallets: Component[] = [];
  for (const name of WALLETS) {
    const wallet = checkout.create(name, {
      mode: "tokenize",
      // `{continue: false}`: Flow submits nothing; the token goes to confirm like a card's.
      onTokenized: async (_component, result): Promise<OnTokenizedResponse> => {
        setup.onWalletToken(result);
        return { continue: false };
      },
    });
    // Only where the shopper's device and the session offer it: no empty button.
    if (await wallet.isAvailable()) wallets.push(wallet.mount(hostFor(name)));
  }
  // Our Pay button is the only one: Flow's own would pay through the session, without confirm.
  const card = checkout.create("card", { showPayButton: false });
  if (!(await card.isAvailable()))
    throw Object.assign(new Error("card unavailable"), { code: "component_not_available" });
  return { card: card.mount(hostFor("card")), wallets };
}

/** Unmounts, whatever state the component is in. */
export function unmount(component: Component | undefined): void {
  try {
    component?.unmount();
  } catch {
    // already unmounted
  }
}
