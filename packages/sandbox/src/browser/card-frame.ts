import { luhnValid } from "../cards.js";
import { CHANNEL, type FrameConfig } from "./channel.js";
import { TEST_CARD, testCardHint } from "./test-card-hint.js";
import { installWalletFrame } from "./wallet-frame.js";

/**
 * The card fields, on the sandbox's own origin inside an iframe, standing in for Checkout.com's
 * hosted fields: the merchant's page never sees the card number. It tokenizes through `/tokens`
 * with the public key and answers the parent by `postMessage`, checking origins both ways.
 *
 * Runs in the browser: bundled into `/checkout-web-components/card-frame.js` (entries/card-frame.ts).
 */
export function installCardFrame(win: Window): void {
  const doc = win.document;
  let config: FrameConfig;
  try {
    config = JSON.parse(decodeURIComponent(win.location.hash.slice(1)));
  } catch {
    doc.body.textContent = "Card frame misconfigured: missing settings.";
    return;
  }
  const locale = config.locale ?? "en-GB";
  doc.documentElement.lang = locale;
  // As Flow does for right-to-left languages.
  doc.documentElement.dir = /^(ar|he|fa|ur)\b/i.test(locale) ? "rtl" : "ltr";
  const byId = (id: string) => doc.getElementById(id) as HTMLElement;
  const field = (id: string) => doc.getElementById(id) as HTMLInputElement;
  const number = field("card-number");
  const expiry = field("card-expiry");
  const cvv = field("card-cvv");

  // Appearance tokens the sandbox understands, applied as CSS variables.
  const appearance = config.appearance ?? {};
  const tokens: Record<string, string> = {
    colorAction: "--action",
    colorInverse: "--on-action",
    colorBorder: "--border",
    colorFormBorder: "--border",
    colorPrimary: "--text",
    colorSecondary: "--secondary",
    colorError: "--error",
    colorFormBackground: "--field-bg",
    colorBackground: "--bg",
    colorOutline: "--outline",
  };
  for (const [token, variable] of Object.entries(tokens)) {
    const value = appearance[token];
    if (typeof value === "string") doc.documentElement.style.setProperty(variable, value);
  }
  const radius = (appearance.borderRadius as Array<string | number> | undefined)?.[0];
  if (radius !== undefined)
    doc.documentElement.style.setProperty("--radius", typeof radius === "number" ? `${radius}px` : radius);

  const post = (message: Record<string, unknown>) =>
    win.parent.postMessage({ channel: CHANNEL, ...message }, config.parentOrigin);

  // The frame grows and shrinks with its content; the parent sizes the iframe to fit.
  let lastHeight = 0;
  const reportHeight = () => {
    const height = Math.ceil(doc.documentElement.scrollHeight);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "resize", height });
    }
  };
  new ResizeObserver(reportHeight).observe(doc.body);

  const component = config.component ?? "card";
  if (component !== "card") {
    installWalletFrame(win, config, component, post);
    return;
  }
  byId("wallet").remove();

  // Flow's labels in the page's language (its `translations`), English where none is given.
  const label = (key: string, fallback: string) => config.labels?.[key] ?? fallback;
  byId("card-number-label").textContent = label("card.card_number", "Card number");
  byId("card-expiry-label").textContent =
    `${label("card.expiry_date", "Expiry date")} (${label("card.expiry_date.placeholder.month", "MM")} / ${label("card.expiry_date.placeholder.year", "YY")})`;
  byId("card-cvv-label").textContent = label("card.security_code", "Security code");
  byId("card-number-error").textContent = label("card.card_number.invalid", "Enter a valid card number.");
  byId("card-expiry-error").textContent = label("card.expiry_date.invalid", "Enter a future expiry date.");
  byId("card-cvv-error").textContent = label("card.security_code.invalid", "Enter the 3 or 4 digit code.");
  field("card-expiry").placeholder =
    `${label("card.expiry_date.placeholder.month", "MM")} / ${label("card.expiry_date.placeholder.year", "YY")}`;
  field("card-cvv").placeholder = label("card.security_code.placeholder", "CVC");
  // The sandbox's own hint follows the checkout's language; the card number stays left to right.
  const hint = testCardHint(locale);
  const card = doc.createElement("bdi");
  card.dir = "ltr";
  card.textContent = TEST_CARD;
  byId("test-card-hint").replaceChildren(hint.before, card, hint.after);

  const digits = (value: string) => value.replace(/\D/g, "");
  const checks = {
    // As Flow's card field does: a number that fails the Luhn check is marked, never tokenized.
    number: () => /^\d{12,19}$/.test(digits(number.value)) && luhnValid(digits(number.value)),
    expiry: () => {
      const match = /^(\d{2})\s*\/\s*(\d{2}|\d{4})$/.exec(expiry.value.trim());
      if (!match) return false;
      const month = Number(match[1]);
      const year = Number(match[2]?.length === 2 ? `20${match[2]}` : match[2]);
      const now = new Date();
      return month >= 1 && month <= 12 && year * 12 + month >= now.getFullYear() * 12 + now.getMonth() + 1;
    },
    cvv: () => (/^3[47]/.test(digits(number.value)) ? /^\d{4}$/ : /^\d{3}$/).test(cvv.value.trim()),
  };
  const isValid = () => checks.number() && checks.expiry() && checks.cvv();

  const showError = (input: HTMLInputElement, ok: boolean) => {
    const touched = input.dataset.touched === "true";
    input.setAttribute("aria-invalid", String(touched && !ok));
    const message = doc.getElementById(`${input.id}-error`);
    if (message) message.hidden = !touched || ok;
  };
  let lastValid: boolean | undefined;
  const update = () => {
    showError(number, checks.number());
    showError(expiry, checks.expiry());
    showError(cvv, checks.cvv());
    const valid = isValid();
    if (valid !== lastValid) {
      lastValid = valid;
      post({ type: "change", valid });
    }
  };
  for (const input of [number, expiry, cvv]) {
    input.addEventListener("input", update);
    input.addEventListener("blur", () => {
      input.dataset.touched = "true";
      update();
    });
  }
  number.addEventListener("input", () => {
    const grouped = digits(number.value)
      .slice(0, 19)
      .replace(/(\d{4})(?=\d)/g, "$1 ");
    if (grouped !== number.value) number.value = grouped;
  });
  // "1230" and "12/30" both become "12 / 30" as they are typed.
  expiry.addEventListener("input", () => {
    const d = digits(expiry.value).slice(0, 6);
    const formatted = d.length > 2 ? `${d.slice(0, 2)} / ${d.slice(2)}` : d;
    if (formatted !== expiry.value) expiry.value = formatted;
    update();
  });

  const tokenizeCard = async () => {
    const match = /^(\d{2})\s*\/\s*(\d{2}|\d{4})$/.exec(expiry.value.trim());
    const year = match?.[2] ?? "";
    const response = await fetch("/tokens", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${config.publicKey}` },
      body: JSON.stringify({
        type: "card",
        number: digits(number.value),
        expiry_month: Number(match?.[1]),
        expiry_year: Number(year.length === 2 ? `20${year}` : year),
        cvv: cvv.value.trim(),
      }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : {} };
  };

  // Flow's own Pay button pays through the payment session: no confirm endpoint, no AccelerateToken.
  const pay = doc.getElementById("flow-pay") as HTMLButtonElement;
  pay.hidden = config.showPayButton === false;
  pay.addEventListener("click", async () => {
    for (const input of [number, expiry, cvv]) input.dataset.touched = "true";
    update();
    if (!isValid() || !config.paymentSessionId) return;
    pay.disabled = true;
    try {
      const token = await tokenizeCard();
      const response = await fetch(
        `/payment-sessions/${encodeURIComponent(config.paymentSessionId)}/submit`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${config.publicKey}` },
          body: JSON.stringify({ session_data: token.body.token }),
        },
      );
      post({ type: "payment_completed", data: await response.json() });
    } finally {
      pay.disabled = false;
    }
  });

  win.addEventListener("message", async (event: MessageEvent) => {
    // Only the page that embedded us, from the origin it declared, may ask for a token.
    if (event.origin !== config.parentOrigin || event.source !== win.parent) return;
    const message = event.data as { channel?: string; type?: string; id?: number };
    if (!message || message.channel !== CHANNEL) return;
    if (message.type === "show_errors") {
      // tokenize() on an incomplete card: mark what is missing, and take the shopper to the first.
      for (const input of [number, expiry, cvv]) input.dataset.touched = "true";
      update();
      const first = [number, expiry, cvv].find((input) => input.getAttribute("aria-invalid") === "true");
      first?.focus();
      return;
    }
    if (message.type !== "tokenize") return;
    try {
      const { status, body } = await tokenizeCard();
      if (status === 201) post({ type: "tokenized", id: message.id, data: body });
      else {
        post({
          type: "tokenize_failed",
          id: message.id,
          status,
          errorCodes: body.error_codes ?? [],
          requestId: body.request_id,
        });
      }
    } catch {
      post({ type: "tokenize_failed", id: message.id, status: 0, errorCodes: ["network_error"] });
    }
  });
  post({ type: "ready" });
}
