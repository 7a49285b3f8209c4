import { type CSSResult, unsafeCSS } from "lit";

/**
 * The tag for our stylesheets, which have no interpolations (the type refuses one): the same
 * CSSResult Lit's `css` makes, without `css`'s check of interpolated values, whose bytes would ship
 * in handoff.js for nothing. In its own file because the template minifier leaves alone the CSS of
 * any file whose source names `unsafeCSS`; the tag's name says css, so the minifier minifies it.
 */
export const staticCss = (text: TemplateStringsArray, ..._none: never[]): CSSResult => unsafeCSS(text[0]);
