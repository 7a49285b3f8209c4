import { formatMoney } from "@handoff/contracts";
import type { SandboxPayment } from "../payments/model.js";

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

/**
 * The issuer's 3-D Secure challenge, as the sandbox plays it: a plain form (no script) where the
 * password `Checkout1!` authenticates and a second button fails authentication.
 */
export function challengePage(payment: SandboxPayment, sessionId: string, error?: string): string {
  const amount = formatMoney(payment.amount, payment.currency, "en-GB");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verify your payment – Sandbox Bank</title>
<link rel="stylesheet" href="/3ds/challenge.css">
</head>
<body>
<main>
  <h1>Verify your payment</h1>
  <p>Sandbox Bank needs to confirm it's you paying <strong>${escapeHtml(amount)}</strong> with the card ending ${escapeHtml(payment.card.last4)}.</p>
  <form method="post" action="/3ds/${escapeHtml(sessionId)}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="off" aria-describedby="hint${error ? " password-error" : ""}" autofocus>
    <p id="hint" class="hint">Sandbox password: <code>Checkout1!</code></p>
    ${error ? `<p id="password-error" class="error" role="alert">${escapeHtml(error)}</p>` : ""}
    <button id="txtButton" type="submit" name="action" value="authenticate">Continue</button>
    <button id="failButton" type="submit" name="action" value="fail" class="secondary">Fail authentication</button>
  </form>
</main>
</body>
</html>
`;
}

export function challengeDonePage(authenticated: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authentication ${authenticated ? "complete" : "failed"}</title>
<link rel="stylesheet" href="/3ds/challenge.css"></head>
<body><main><h1>Authentication ${authenticated ? "complete" : "failed"}</h1>
<p>The payment request gave no ${authenticated ? "success_url" : "failure_url"}, so there is nowhere to return to.</p></main></body></html>
`;
}

/** Back or reload on the issuer's page once it is over: says so, and leads back to the shop when it can. */
export function challengeOverPage(returnUrl: string | undefined): string {
  const onward = returnUrl
    ? `<p><a href="${escapeHtml(returnUrl)}">Return to the shop</a></p>`
    : "<p>The payment request gave no return address.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authentication already complete</title>
<link rel="stylesheet" href="/3ds/challenge.css"></head>
<body><main><h1>Authentication already complete</h1>
<p>This payment's authentication is over; nothing more is needed here.</p>${onward}</main></body></html>
`;
}

export const CHALLENGE_CSS = `body { margin: 0; font: 16px/1.5 system-ui, sans-serif; background: #f3f4f6; color: #1a1d23; }
main { max-width: 420px; margin: 48px auto; background: #fff; padding: 24px; border-radius: 8px; }
label { display: block; font-weight: 600; margin-bottom: 4px; }
input { width: 100%; font: inherit; min-height: 44px; padding: 8px; border: 1px solid #8a8f98; border-radius: 6px; box-sizing: border-box; }
button { font: inherit; min-height: 44px; padding: 8px 16px; margin: 12px 8px 0 0; border-radius: 6px; border: 0; background: #186aff; color: #fff; cursor: pointer; }
button.secondary { background: #e5e7eb; color: #1a1d23; }
:focus-visible { outline: 3px solid #186aff; outline-offset: 2px; }
.error { color: #b00020; }
.hint { font-size: 14px; color: #4a4f57; }
`;
