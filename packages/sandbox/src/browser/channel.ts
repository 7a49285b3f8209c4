/**
 * What the page's emulation (components.ts) and the card iframe (card-frame.ts) share: the
 * postMessage channel name and the settings the page hands the frame in its URL's fragment.
 */
export const CHANNEL = "handoff-sandbox-card";

export interface FrameConfig {
  /** "card", or the wallet this frame is the button (and test sheet) of. */
  component?: "card" | "applepay" | "googlepay";
  /** A wallet's mode: "tokenize" hands the token to onTokenized; "pay" pays through the session. */
  mode?: string | undefined;
  publicKey: string;
  parentOrigin: string;
  locale?: string;
  /** Flow's `translations` for this locale (`card.card_number`…), over the English defaults. */
  labels?: Record<string, string>;
  appearance?: Record<string, unknown>;
  /** Flow draws its own Pay button unless the integration passes `showPayButton: false`. */
  showPayButton?: boolean;
  paymentSessionId?: string | undefined;
}
