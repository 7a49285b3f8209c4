import { staticCss } from "./static-css.js";

/**
 * Constructable stylesheet (no inline style attributes: strict CSP). Theme with custom properties
 * on the element, or with ::part(pay-button), ::part(message)… Fallbacks are written without a
 * space after the comma: the template minifier keeps it, and every byte of handoff.js is counted.
 */
export const styles = staticCss`
  :host {
    display: block;
    font: var(--handoff-font,16px/1.5 system-ui,sans-serif);
    color: var(--handoff-color-text,#1a1d23);
    --_primary: var(--handoff-color-primary,#1849c6);
    --_radius: var(--handoff-radius,8px);
  }
  [hidden] {
    display: none !important;
  }
  .wallets {
    display: grid;
    gap: 8px;
  }
  .separator {
    display: flex;
    align-items: center;
    gap: 12px;
    margin: 12px 0;
    color: var(--handoff-color-secondary,#4a4f57);
    font-size: 0.875em;
  }
  .separator::before,
  .separator::after {
    content: "";
    flex: 1;
    border-top: 1px solid var(--handoff-color-border,#c4c8cf);
  }
  .card {
    position: relative;
    /* Reserved before the card fields arrive: no layout shift. */
    min-height: var(--handoff-card-height,194px);
  }
  .skeleton {
    position: absolute;
    inset: 0;
    display: grid;
    gap: 12px;
    align-content: start;
  }
  .skeleton span {
    display: block;
    height: 44px;
    border-radius: var(--_radius);
    background: var(--handoff-color-disabled,#eceef1);
    animation: pulse 1.2s infinite alternate;
  }
  @keyframes pulse {
    to {
      opacity: 0.5;
    }
  }
  .message {
    margin: 12px 0 0;
    min-height: 1.5em;
  }
  .message:focus {
    outline: none;
  }
  .message[data-tone="error"] {
    color: var(--handoff-color-danger,#a4001d);
  }
  .message[data-tone="success"] {
    color: var(--handoff-color-success,#0b6b2e);
    font-weight: 600;
  }
  button {
    font: inherit;
    min-height: 44px;
    min-width: 44px;
    padding: 10px 18px;
    border-radius: var(--_radius);
    border: 2px solid var(--_primary);
    cursor: pointer;
  }
  .message:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--_primary);
    outline-offset: 2px;
  }
  .pay {
    width: 100%;
    margin-top: 12px;
    background: var(--_primary);
    color: var(--handoff-color-on-primary,#fff);
    font-weight: 600;
  }
  .pay[disabled] {
    opacity: 0.6;
    cursor: not-allowed;
  }
  .amount-skeleton {
    display: inline-block;
    width: 6em;
    height: 1em;
    vertical-align: middle;
    border-radius: 4px;
    background: currentColor;
    opacity: 0.35;
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    margin-inline-end: 8px;
    vertical-align: -0.15em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton span,
    .spinner {
      animation: none;
    }
  }
  .link,
  .secondary {
    margin-top: 8px;
    color: var(--_primary);
  }
  .link {
    display: inline-block;
    font-weight: 600;
    min-height: 44px;
    line-height: 44px;
  }
  .secondary {
    background: transparent;
  }
  dialog {
    color: inherit;
    background: var(--handoff-color-background,#fff);
    border: 0;
    border-radius: var(--_radius);
    padding: 24px;
    width: min(480px, calc(100vw - 32px));
  }
  dialog::backdrop {
    background: rgb(0 0 0/45%);
  }
  .dialog-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    gap: 12px;
  }
  h2 {
    margin: 0;
    font-size: 1.25rem;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
