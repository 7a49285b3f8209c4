/** The card iframe's page and stylesheet; its script is built from card-frame.ts. */
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
  <p id="test-card-hint" class="note">Sandbox: try <bdi dir="ltr">4242 4242 4242 4242</bdi>, any future date, any CVC.</p>
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
