import { browserScript } from "./components.js";
/**
 * The card fields, on the sandbox's own origin inside an iframe, standing in for Checkout.com's
 * hosted fields: the merchant's page never sees the card number. It tokenizes through `/tokens`
 * with the public key and answers the parent by `postMessage`, checking origins both ways.
 *
 * `installCardFrame` is serialised with `toString()`: it must not refer to anything outside itself.
 */
export function installCardFrame(win: Window): void {
  const CHANNEL = "handoff-sandbox-card";
  const doc = win.document;
  let config: {
    /** "card", or the wallet this frame is the button (and test sheet) of. */
    component?: "card" | "applepay" | "googlepay";
    /** A wallet's mode: "tokenize" hands the token to onTokenized; "pay" pays through the session. */
    mode?: string;
    publicKey: string;
    parentOrigin: string;
    locale?: string;
    /** Flow's `translations` for this locale (`card.card_number`…), over the English defaults. */
    labels?: Record<string, string>;
    appearance?: Record<string, unknown>;
    /** Flow draws its own Pay button unless the integration passes `showPayButton: false`. */
    showPayButton?: boolean;
    paymentSessionId?: string;
  };
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
    installWallet(component);
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

  const digits = (value: string) => value.replace(/\D/g, "");
  const checks = {
    number: () => /^\d{12,19}$/.test(digits(number.value)),
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

  /**
   * A wallet's button and the sandbox's test wallet sheet, standing in for Apple Pay's and Google
   * Pay's own: Approve and Decline tokenize a test card through `/tokens` as `type: "applepay"` or
   * `"googlepay"` token data (Decline uses a card the bank declines); Cancel closes the sheet and
   * nothing happens, as when a shopper dismisses a real wallet.
   */
  function installWallet(wallet: "applepay" | "googlepay") {
    byId("card-form").remove();
    const brand = wallet === "applepay" ? "Apple Pay" : "Google Pay";
    const button = byId("wallet-button") as HTMLButtonElement;
    const sheet = byId("wallet-sheet");
    button.textContent = `Pay with ${brand}`;
    button.classList.add(wallet);
    byId("wallet-title").textContent = `Sandbox ${brand}`;
    const open = (shown: boolean) => {
      sheet.hidden = !shown;
      button.hidden = shown;
      (shown ? byId("wallet-approve") : button).focus();
    };
    button.addEventListener("click", () => open(true));
    byId("wallet-cancel").addEventListener("click", () => open(false));
    const b64 = (value: unknown) => win.btoa(JSON.stringify(value));
    const tokenData = (dpan: string) => {
      const card = b64({ dpan, expiry_month: 12, expiry_year: new Date().getFullYear() + 3 });
      return wallet === "applepay"
        ? {
            version: "EC_v1",
            data: card,
            signature: b64("sandbox-signature"),
            header: {
              ephemeralPublicKey: b64("sandbox-ephemeral-key"),
              publicKeyHash: b64("sandbox-key-hash"),
              transactionId: Array.from(win.crypto.getRandomValues(new Uint8Array(16)), (x) =>
                x.toString(16).padStart(2, "0"),
              ).join(""),
            },
          }
        : {
            signature: b64("sandbox-signature"),
            protocolVersion: "ECv2",
            signedMessage: JSON.stringify({
              encryptedMessage: card,
              ephemeralPublicKey: b64("sandbox-ephemeral-key"),
              tag: b64("sandbox-tag"),
            }),
          };
    };
    let token: string | undefined;
    const authorize = async (dpan: string) => {
      for (const b of Array.from(sheet.querySelectorAll("button"))) b.disabled = true;
      try {
        const response = await fetch("/tokens", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${config.publicKey}` },
          body: JSON.stringify({ type: wallet, token_data: tokenData(dpan) }),
        });
        const body = await response.json().catch(() => ({}));
        if (response.status !== 201) {
          post({ type: "wallet_failed", status: response.status, errorCodes: body.error_codes ?? [] });
        } else {
          token = body.token;
          post({ type: "wallet_tokenized", data: body });
        }
      } catch {
        post({ type: "wallet_failed", status: 0, errorCodes: ["network_error"] });
      } finally {
        for (const b of Array.from(sheet.querySelectorAll("button"))) b.disabled = false;
        open(false);
      }
    };
    byId("wallet-approve").addEventListener("click", () => void authorize("4242424242424242"));
    byId("wallet-decline").addEventListener("click", () => void authorize("4544249167673670"));
    win.addEventListener("message", async (event: MessageEvent) => {
      if (event.origin !== config.parentOrigin || event.source !== win.parent) return;
      const message = event.data as { channel?: string; type?: string; pay?: boolean };
      if (!message || message.channel !== CHANNEL || message.type !== "wallet_continue") return;
      // Pay mode: Flow pays by itself through the session, with no confirm. Tokenize mode never does.
      if (!message.pay || !token || !config.paymentSessionId) return;
      const response = await fetch(
        `/payment-sessions/${encodeURIComponent(config.paymentSessionId)}/submit`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${config.publicKey}` },
          body: JSON.stringify({ session_data: token }),
        },
      );
      post({ type: "payment_completed", data: await response.json() });
    });
    post({ type: "ready" });
  }
}

export const CARD_FRAME_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Card details</title>
<link rel="stylesheet" href="/checkout-web-components/card-frame.css">
</head>
<body>
<form id="card-form" novalidate>
  <div class="field">
    <label id="card-number-label" for="card-number">Card number</label>
    <input id="card-number" name="cardnumber" autocomplete="cc-number" inputmode="numeric" placeholder="1234 1234 1234 1234" aria-describedby="card-number-error" required>
    <p id="card-number-error" class="error" hidden>Enter a valid card number.</p>
  </div>
  <div class="row">
    <div class="field">
      <label id="card-expiry-label" for="card-expiry">Expiry date (MM / YY)</label>
      <input id="card-expiry" name="exp-date" autocomplete="cc-exp" inputmode="numeric" placeholder="MM / YY" aria-describedby="card-expiry-error" required>
      <p id="card-expiry-error" class="error" hidden>Enter a future expiry date.</p>
    </div>
    <div class="field">
      <label id="card-cvv-label" for="card-cvv">Security code</label>
      <input id="card-cvv" name="cvc" autocomplete="cc-csc" inputmode="numeric" placeholder="CVC" aria-describedby="card-cvv-error" required>
      <p id="card-cvv-error" class="error" hidden>Enter the 3 or 4 digit code.</p>
    </div>
  </div>
  <p class="note">Sandbox: try 4242 4242 4242 4242, any future date, any CVC.</p>
  <button id="flow-pay" class="flow-pay" type="button">Pay</button>
</form>
<div id="wallet" class="wallet">
  <button id="wallet-button" class="wallet-button" type="button">Wallet</button>
  <div id="wallet-sheet" class="sheet" role="group" aria-labelledby="wallet-title" hidden>
    <p id="wallet-title" class="sheet-title">Sandbox wallet</p>
    <p class="note">Test wallet: Approve pays with a Visa ending 4242; Decline uses a card the bank declines.</p>
    <div class="sheet-actions">
      <button id="wallet-approve" type="button">Approve</button>
      <button id="wallet-decline" type="button">Decline</button>
      <button id="wallet-cancel" type="button">Cancel</button>
    </div>
  </div>
</div>
<script src="/checkout-web-components/card-frame.js"></script>
</body>
</html>
`;

export const CARD_FRAME_CSS = `:root { --action: #186aff; --on-action: #fff; --border: #8a8f98; --text: #1a1d23; --secondary: #4a4f57; --error: #b00020; --field-bg: #fff; --bg: transparent; --outline: var(--action); --radius: 6px; }
* { box-sizing: border-box; }
body { margin: 0; padding: 2px; font: 16px/1.4 system-ui, sans-serif; color: var(--text); background: transparent; }
.field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 10px; min-width: 0; }
.row > .field { display: grid; grid-template-rows: subgrid; grid-row: span 3; row-gap: 4px; }
/* Expiry and security code side by side, each label on one line and both inputs on one row,
   whatever the width (down to 280 px, where they stack). */
.row { display: grid; grid-template-columns: repeat(2, minmax(min-content, 1fr)); column-gap: 12px; }
@media (max-width: 279px) { .row { grid-template-columns: 1fr; } }
label { font-size: 14px; font-weight: 600; white-space: nowrap; }
input { font: inherit; width: 100%; min-width: 0; min-height: 44px; padding: 8px 10px; border: 1px solid var(--border); border-radius: var(--radius); background: var(--field-bg); color: var(--text); }
input::placeholder { color: var(--secondary); opacity: 1; }
input:focus-visible, button:focus-visible { outline: 3px solid var(--outline); outline-offset: 1px; }
input[aria-invalid="true"] { border-color: var(--error); border-width: 2px; }
.error { margin: 0; color: var(--error); font-size: 14px; }
.error[hidden] { display: none; }
.note { margin: 0; font-size: 13px; color: var(--secondary); }
.flow-pay { font: inherit; width: 100%; min-height: 44px; margin-top: 10px; border: 0; border-radius: var(--radius); background: var(--action); color: var(--on-action); font-weight: 600; }
.flow-pay[hidden] { display: none; }
.wallet-button { font: inherit; width: 100%; min-height: 44px; border: 0; border-radius: var(--radius); font-weight: 600; cursor: pointer; }
.wallet-button.applepay { background: #000; color: #fff; }
.wallet-button.googlepay { background: #fff; color: #1f1f1f; border: 1px solid #747775; }
.wallet-button[hidden], .sheet[hidden] { display: none; }
.sheet { border: 1px solid var(--border); border-radius: var(--radius); padding: 12px; background: var(--field-bg); }
.sheet-title { margin: 0 0 4px; font-weight: 600; }
.sheet-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
.sheet-actions button { font: inherit; min-height: 44px; padding: 8px 14px; border-radius: var(--radius); border: 1px solid var(--action); background: transparent; color: var(--text); }
.sheet-actions #wallet-approve { background: var(--action); color: var(--on-action); }
`;

export function cardFrameScript(): string {
  return browserScript(installCardFrame, "window");
}
