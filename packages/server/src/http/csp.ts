import type { HandoffEnvironment } from "@handoff/contracts";

/** Content-Security-Policy directives, keyed as helmet takes them (`scriptSrc`…), values as sources. */
export type CspDirectives = Record<string, string[]>;

/** Where Checkout.com's Flow script, its API calls, risk module and frames come from. */
const CHECKOUT_SOURCES = {
  script: ["https://checkout-web-components.checkout.com", "https://*.checkout.com"],
  connect: ["https://*.checkout.com"],
  frame: ["https://*.checkout.com"],
  img: ["https://*.checkout.com"],
};

/**
 * The directives a checkout page with `<handoff-checkout>` needs, strict everywhere else: no inline
 * script, no eval, no inline style attributes (the widget uses constructable stylesheets). In local
 * mode only the embedded sandbox is allowed; with real keys, Checkout.com's hosts (see the README
 * for where these come from). 3-D Secure is a top-level redirect, so issuers' pages need no entry.
 *
 * @example
 * app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: handoffCsp({ environment }) } }));
 */
export function handoffCsp(options: {
  environment: HandoffEnvironment;
  /** Local mode: the sandbox's origin (it serves the emulated Flow script and card frame). */
  sandboxOrigin?: string;
  /** Your own extra sources, merged per directive. */
  extra?: CspDirectives;
}): CspDirectives {
  const local = options.environment === "local";
  if (local && !options.sandboxOrigin) throw new Error("handoffCsp: local mode needs sandboxOrigin");
  const checkout = local
    ? {
        script: [options.sandboxOrigin as string],
        connect: [],
        frame: [options.sandboxOrigin as string],
        img: [],
      }
    : CHECKOUT_SOURCES;
  const directives: CspDirectives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...checkout.script],
    connectSrc: ["'self'", ...checkout.connect],
    frameSrc: [...checkout.frame],
    imgSrc: ["'self'", "data:", ...checkout.img],
    styleSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  };
  for (const [name, sources] of Object.entries(options.extra ?? {})) {
    directives[name] = [...new Set([...(directives[name] ?? []), ...sources])];
  }
  return directives;
}

/** The same directives as one header value, for servers without helmet. */
export function cspHeader(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) =>
      `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${sources.join(" ")}`.trim(),
    )
    .join("; ");
}
