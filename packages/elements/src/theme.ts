import type { Appearance } from "./types.js";

/**
 * Which design token drives which of our CSS variables: one `appearance` themes Flow's fields (Flow
 * reads the tokens) and the widget (these variables), so the two never disagree.
 */
export const TOKEN_VARIABLES = {
  colorAction: "--handoff-color-primary",
  colorInverse: "--handoff-color-on-primary",
  colorPrimary: "--handoff-color-text",
  colorSecondary: "--handoff-color-secondary",
  colorBackground: "--handoff-color-background",
  colorBorder: "--handoff-color-border",
  colorDisabled: "--handoff-color-disabled",
  colorError: "--handoff-color-danger",
  colorSuccess: "--handoff-color-success",
} as const satisfies Partial<Record<keyof Appearance, `--handoff-${string}`>>;

/** Our CSS variables for an appearance (a radius as a CSS length). */
export function variablesFor(appearance: Appearance | undefined): Array<[string, string]> {
  if (!appearance) return [];
  const variables: Array<[string, string]> = [];
  for (const [token, variable] of Object.entries(TOKEN_VARIABLES)) {
    const value = appearance[token as keyof typeof TOKEN_VARIABLES];
    if (value) variables.push([variable, value]);
  }
  const radius = appearance.borderRadius?.[0];
  if (radius !== undefined)
    variables.push(["--handoff-radius", typeof radius === "number" ? `${radius}px` : radius]);
  return variables;
}

/** A dark theme for Flow's fields and the widget, every pair at WCAG AA contrast or better. */
export const darkAppearance: Appearance = {
  colorBackground: "#16181d",
  colorFormBackground: "#22252c",
  colorPrimary: "#eef0f4",
  colorSecondary: "#b9bfca",
  colorAction: "#8fb0ff",
  colorInverse: "#0d1326",
  colorBorder: "#9aa1ad",
  colorFormBorder: "#9aa1ad",
  colorDisabled: "#3a3f49",
  colorError: "#ff9a9a",
  colorSuccess: "#7ee29b",
  colorOutline: "#8fb0ff",
};
