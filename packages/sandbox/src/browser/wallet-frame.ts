import { CHANNEL, type FrameConfig } from "./channel.js";
import { walletButtonLabel } from "./wallet-button-label.js";

/**
 * A wallet's button and the sandbox's test wallet sheet, standing in for Apple Pay's and Google
 * Pay's own: Approve and Decline tokenize a test card through `/tokens` as `type: "applepay"` or
 * `"googlepay"` token data (Decline uses a card the bank declines); Cancel closes the sheet and
 * nothing happens, as when a shopper dismisses a real wallet.
 */
export function installWalletFrame(
  win: Window,
  config: FrameConfig,
  wallet: "applepay" | "googlepay",
  post: (message: Record<string, unknown>) => void,
): void {
  const byId = (id: string) => win.document.getElementById(id) as HTMLElement;
  byId("card-form").remove();
  const brand = wallet === "applepay" ? "Apple Pay" : "Google Pay";
  const button = byId("wallet-button") as HTMLButtonElement;
  const sheet = byId("wallet-sheet");
  button.textContent = walletButtonLabel(config.locale ?? "en-GB", brand);
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
    const response = await fetch(`/payment-sessions/${encodeURIComponent(config.paymentSessionId)}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${config.publicKey}` },
      body: JSON.stringify({ session_data: token }),
    });
    post({ type: "payment_completed", data: await response.json() });
  });
  post({ type: "ready" });
}
