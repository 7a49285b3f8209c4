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
    publicKey: string;
    parentOrigin: string;
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
  const field = (id: string) => doc.getElementById(id) as HTMLInputElement;
  const number = field("card-number");
  const expiry = field("card-expiry");
  const cvv = field("card-cvv");

  // Appearance tokens the sandbox understands, applied as CSS variables.
  const appearance = config.appearance ?? {};
  const tokens: Record<string, string> = {
    colorAction: "--action",
    colorBorder: "--border",
    colorFormBorder: "--border",
    colorPrimary: "--text",
    colorError: "--error",
    colorFormBackground: "--field-bg",
  };
  for (const [token, variable] of Object.entries(tokens)) {
    const value = appearance[token];
    if (typeof value === "string") doc.documentElement.style.setProperty(variable, value);
  }

  const post = (message: Record<string, unknown>) =>
    win.parent.postMessage({ channel: CHANNEL, ...message }, config.parentOrigin);

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

  // The frame grows and shrinks with its messages; the parent sizes the iframe to fit.
  let lastHeight = 0;
  const reportHeight = () => {
    const height = Math.ceil(doc.documentElement.scrollHeight);
    if (height !== lastHeight) {
      lastHeight = height;
      post({ type: "resize", height });
    }
  };
  new ResizeObserver(reportHeight).observe(doc.body);

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
    if (!message || message.channel !== CHANNEL || message.type !== "tokenize") return;
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
    <label for="card-number">Card number</label>
    <input id="card-number" name="cardnumber" autocomplete="cc-number" inputmode="numeric" placeholder="1234 1234 1234 1234" aria-describedby="card-number-error" required>
    <p id="card-number-error" class="error" hidden>Enter a valid card number.</p>
  </div>
  <div class="row">
    <div class="field">
      <label for="card-expiry">Expiry date (MM / YY)</label>
      <input id="card-expiry" name="exp-date" autocomplete="cc-exp" inputmode="numeric" placeholder="MM / YY" aria-describedby="card-expiry-error" required>
      <p id="card-expiry-error" class="error" hidden>Enter a future expiry date.</p>
    </div>
    <div class="field">
      <label for="card-cvv">Security code</label>
      <input id="card-cvv" name="cvc" autocomplete="cc-csc" inputmode="numeric" placeholder="CVC" aria-describedby="card-cvv-error" required>
      <p id="card-cvv-error" class="error" hidden>Enter the 3 or 4 digit code.</p>
    </div>
  </div>
  <p class="note">Sandbox: try 4242 4242 4242 4242, any future date, any CVC.</p>
  <button id="flow-pay" class="flow-pay" type="button">Pay</button>
</form>
<script src="/checkout-web-components/card-frame.js"></script>
</body>
</html>
`;

export const CARD_FRAME_CSS = `:root { --action: #186aff; --border: #8a8f98; --text: #1a1d23; --error: #b00020; --field-bg: #fff; }
* { box-sizing: border-box; }
body { margin: 0; padding: 2px; font: 16px/1.4 system-ui, sans-serif; color: var(--text); background: transparent; }
.field { display: flex; flex-direction: column; gap: 4px; margin-bottom: 10px; flex: 1; min-width: 0; }
.row { display: flex; gap: 12px; }
@media (max-width: 259px) { .row { flex-direction: column; gap: 0; } }
label { font-size: 14px; font-weight: 600; }
input { font: inherit; width: 100%; min-width: 0; min-height: 44px; padding: 8px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--field-bg); color: var(--text); }
input:focus-visible { outline: 3px solid var(--action); outline-offset: 1px; }
input[aria-invalid="true"] { border-color: var(--error); }
.error { margin: 0; color: var(--error); font-size: 14px; }
.note { margin: 0; font-size: 13px; color: #4a4f57; }
.flow-pay { font: inherit; width: 100%; min-height: 44px; margin-top: 10px; border: 0; border-radius: 6px; background: var(--action); color: #fff; font-weight: 600; }
.flow-pay[hidden] { display: none; }
`;

export function cardFrameScript(): string {
  return browserScript(installCardFrame, "window");
}
