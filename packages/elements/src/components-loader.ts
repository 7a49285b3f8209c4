import {
  type CheckoutWebComponents,
  loadCheckoutWebComponents,
  type Options,
} from "@checkout.com/checkout-web-components";
import type { Session } from "./types.js";

const scripts = new Map<string, Promise<void>>();

/**
 * In local mode the session names the sandbox's emulation of Checkout.com's CDN script. Loading
 * it first puts `window.CheckoutWebComponents` in place, so the official loader uses it instead of
 * fetching the CDN. One promise per URL: mounting twice never loads twice.
 */
function loadScript(src: string): Promise<void> {
  const existing = scripts.get(src);
  if (existing) return existing;
  const loading = new Promise<void>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.addEventListener("load", () => resolve(), { once: true });
    script.addEventListener("error", () => {
      scripts.delete(src);
      reject(Object.assign(new Error(`could not load ${src}`), { code: "script_failed" }));
    });
    document.head.appendChild(script);
  });
  scripts.set(src, loading);
  return loading;
}

export async function loadComponents(
  session: Session,
  options: Pick<Options, "locale" | "appearance" | "onChange" | "onReady" | "onError">,
): Promise<CheckoutWebComponents> {
  const local = session.componentsScriptUrl;
  if (local && !(window as { CheckoutWebComponents?: unknown }).CheckoutWebComponents)
    await loadScript(local);
  return loadCheckoutWebComponents({
    publicKey: session.publicKey,
    paymentSession: session.paymentSession,
    environment: session.environment === "production" ? "production" : "sandbox",
    ...options,
  } as Options);
}
