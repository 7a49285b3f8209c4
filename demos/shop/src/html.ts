/** Escapes text for HTML. Every value from data goes through this before it reaches a page. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A page: no inline script or style (strict CSP); scripts and styles are files. */
export function page(
  title: string,
  body: string,
  options: { scripts?: string[]; css?: string } = {},
): string {
  const scripts = (options.scripts ?? [])
    .map((src) => `<script src="${esc(src)}" defer></script>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${esc(options.css ?? "/assets/shop.css")}">
${scripts}
</head>
<body>
${body}
</body>
</html>
`;
}
